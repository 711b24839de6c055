import AWSWire
import Foundation
import Testing

/// `QueryRequestDecoder`: form parameters to the operation and its input, for every kind of
/// member the Query protocol encodes.
@Suite("Query request decoding")
struct QueryRequestDecoderTests {
  let decoder = QueryRequestDecoder(model: .iam)

  func decode(_ parameters: [(String, String)]) throws -> QueryRequest {
    try decoder.decode(parameters)
  }

  @Test("Action names the operation and Version defaults to the model's")
  func actionAndVersion() throws {
    let request = try decode([("Action", "GetUser"), ("Version", "2010-05-08")])
    #expect(request.operation.name == "GetUser")
    #expect(request.version == "2010-05-08")
    #expect(request.input == [:])
    #expect(try decode([("Action", "ListUsers")]).version == "2010-05-08")
  }

  @Test("an unknown Action or Version is InvalidAction, worded as IAM words it")
  func invalidAction() {
    #expect(throws: AWSError.invalidAction("MakeCoffee")) {
      try decode([("Action", "MakeCoffee"), ("Version", "2010-05-08")])
    }
    #expect(throws: AWSError.invalidAction("ListUsers", version: "2011-06-15")) {
      try decode([("Action", "ListUsers"), ("Version", "2011-06-15")])
    }
    #expect(
      AWSError.invalidAction("ListUsers", version: "2011-06-15").message
        == "Could not find operation ListUsers for version 2011-06-15")
  }

  @Test("a request without Action is MissingAction")
  func missingAction() {
    #expect(throws: AWSError.missingAction()) { try decode([("Version", "2010-05-08")]) }
    #expect(throws: AWSError.missingAction()) { try decode([("Action", "")]) }
  }

  @Test("strings, integers and booleans decode by their shape")
  func scalars() throws {
    let listUsers = try decode([
      ("Action", "ListUsers"), ("PathPrefix", "/division/"), ("MaxItems", "100"),
      ("Marker", "abc"),
    ])
    #expect(listUsers.input == ["PathPrefix": "/division/", "MaxItems": 100, "Marker": "abc"])

    let setDefault = try decode([
      ("Action", "UpdateAccountPasswordPolicy"), ("RequireSymbols", "true"),
      ("AllowUsersToChangePassword", "FALSE"), ("MinimumPasswordLength", "12"),
    ])
    #expect(setDefault.input[member: "RequireSymbols"] == .boolean(true))
    #expect(setDefault.input[member: "AllowUsersToChangePassword"] == .boolean(false))
    #expect(setDefault.input[member: "MinimumPasswordLength"] == .integer(12))
  }

  @Test("lists of structures decode from Name.member.N.Field, in index order")
  func structureLists() throws {
    let request = try decode([
      ("Action", "TagUser"), ("UserName", "alice"),
      ("Tags.member.2.Key", "cost-center"), ("Tags.member.2.Value", "42"),
      ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "blue"),
    ])
    #expect(
      request.input == [
        "UserName": "alice",
        "Tags": [["Key": "team", "Value": "blue"], ["Key": "cost-center", "Value": "42"]],
      ])
  }

  @Test("lists of strings decode from Name.member.N; indices need not be contiguous")
  func stringLists() throws {
    let request = try decode([
      ("Action", "UntagUser"), ("UserName", "alice"),
      ("TagKeys.member.1", "team"), ("TagKeys.member.3", "project"),
      ("TagKeys.member.x", "ignored"),
    ])
    #expect(request.input[member: "TagKeys"] == ["team", "project"])
  }

  @Test("an empty list is sent as Name= with nothing below it")
  func emptyList() throws {
    let request = try decode([
      ("Action", "CreateOpenIDConnectProvider"), ("Url", "https://example.com"),
      ("ClientIDList", ""),
    ])
    #expect(request.input[member: "ClientIDList"] == [])
  }

  @Test("nested structures decode from Parent.Child")
  func nestedStructures() throws {
    // SimulateCustomPolicy has lists of structures whose members are lists.
    let request = try decode([
      ("Action", "SimulateCustomPolicy"),
      ("PolicyInputList.member.1", #"{"Version":"2012-10-17","Statement":[]}"#),
      ("ActionNames.member.1", "s3:GetObject"),
      ("ContextEntries.member.1.ContextKeyName", "aws:SourceIp"),
      ("ContextEntries.member.1.ContextKeyType", "ip"),
      ("ContextEntries.member.1.ContextKeyValues.member.1", "10.0.0.1"),
      ("ContextEntries.member.1.ContextKeyValues.member.2", "10.0.0.2"),
    ])
    #expect(
      request.input[member: "ContextEntries"] == [
        [
          "ContextKeyName": "aws:SourceIp", "ContextKeyType": "ip",
          "ContextKeyValues": ["10.0.0.1", "10.0.0.2"],
        ]
      ])
  }

  @Test("timestamps decode from ISO 8601, with or without fractions and offsets")
  func timestamps() throws {
    // No IAM input has a timestamp, so decode one through a small model.
    let model = try ServiceModel(jsonData: Data(SmallModel.json.utf8))
    let decoder = QueryRequestDecoder(model: model)
    let expected = Date(timeIntervalSince1970: 1_704_164_645)
    for text in ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z", "2024-01-02T05:04:05+02:00"] {
      let request = try decoder.decode([("Action", "Put"), ("At", text)])
      #expect(request.input[member: "At"] == .timestamp(expected), "`\(text)`")
    }
  }

  @Test("maps decode from Name.entry.N.key and .value; blobs and doubles from their text")
  func mapsBlobsAndDoubles() throws {
    let model = try ServiceModel(jsonData: Data(SmallModel.json.utf8))
    let decoder = QueryRequestDecoder(model: model)
    let request = try decoder.decode([
      ("Action", "Put"),
      ("Attributes.entry.1.key", "color"), ("Attributes.entry.1.value", "blue"),
      ("Attributes.entry.2.key", "size"), ("Attributes.entry.2.value", "L"),
      ("Flat.1.Name", "k"), ("Flat.1.Val", "v"),
      ("Data", "aGVsbG8="), ("Ratio", "0.25"), ("Big", "9007199254740993"),
    ])
    #expect(request.input[member: "Attributes"] == .map(["color": "blue", "size": "L"]))
    #expect(request.input[member: "Flat"] == .map(["k": "v"]))
    #expect(request.input[member: "Data"] == .blob(Data("hello".utf8)))
    #expect(request.input[member: "Ratio"] == .double(0.25))
    #expect(request.input[member: "Big"] == .integer(9_007_199_254_740_993))
  }

  @Test(
    "a parameter that is not a value of its type is InvalidParameterValue",
    arguments: [
      ("MaxItems", "ten", "invalid value `ten` for parameter `MaxItems`: expected an integer"),
      ("MaxItems", "", "invalid value `` for parameter `MaxItems`: expected an integer"),
      (
        "MaxItems", "2147483648",
        "invalid value `2147483648` for parameter `MaxItems`: expected an integer"
      ),
    ])
  func malformedScalars(name: String, value: String, message: String) {
    #expect(throws: AWSError.invalidParameterValue(message)) {
      try decode([("Action", "ListUsers"), (name, value)])
    }
  }

  @Test("a malformed boolean is InvalidParameterValue")
  func malformedBoolean() {
    #expect(throws: AWSError.self) {
      try decode([("Action", "UpdateAccountPasswordPolicy"), ("RequireSymbols", "yes")])
    }
  }

  @Test("parameters the shape does not name are ignored (SigV4 query authentication adds some)")
  func unknownParameters() throws {
    let request = try decode([
      ("Action", "GetUser"), ("UserName", "alice"), ("X-Amz-Signature", "abc"), ("Bogus.1", "x"),
    ])
    #expect(request.input == ["UserName": "alice"])
  }

  @Test("the first of repeated parameters counts")
  func repeatedParameters() throws {
    let request = try decode([("Action", "GetUser"), ("UserName", "alice"), ("UserName", "bob")])
    #expect(request.input == ["UserName": "alice"])
  }

  @Test("a form body decodes straight into a request")
  func fromFormBody() throws {
    let body =
      "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2Da%2F"
      + "&Tags.member.1.Key=team&Tags.member.1.Value=blue+green"
    let request = try decoder.decode(FormURLEncoding.decode(body))
    #expect(
      request.input == [
        "UserName": "alice", "Path": "/team-a/", "Tags": [["Key": "team", "Value": "blue green"]],
      ])
  }
}

/// A model with the member kinds IAM's inputs lack: timestamps, maps (plain and flattened),
/// blobs, doubles and longs.
enum SmallModel {
  static let json = #"""
    {"metadata":{"apiVersion":"2020-01-01","protocol":"query","xmlNamespace":"https://example.com/doc/"},
     "operations":{"Put":{"input":"PutInput","output":"PutOutput","resultWrapper":"PutResult","errors":[]}},
     "shapes":{
      "PutInput":{"type":"structure","memberOrder":["At","Attributes","Flat","Data","Ratio","Big"],
        "members":{"At":{"shape":"Time"},"Attributes":{"shape":"AttrMap"},
          "Flat":{"shape":"FlatMap","flattened":true},"Data":{"shape":"Bytes"},
          "Ratio":{"shape":"Ratio"},"Big":{"shape":"Big"}}},
      "PutOutput":{"type":"structure","memberOrder":["At","Attributes","Flat","Items","Data","Ratio"],
        "members":{"At":{"shape":"Time"},"Attributes":{"shape":"AttrMap"},
          "Flat":{"shape":"FlatMap","flattened":true},"Items":{"shape":"FlatList"},
          "Data":{"shape":"Bytes"},"Ratio":{"shape":"Ratio"}}},
      "Time":{"type":"timestamp"},
      "AttrMap":{"type":"map","key":{"shape":"Str"},"value":{"shape":"Str"},"max":3},
      "FlatMap":{"type":"map","key":{"shape":"Str","locationName":"Name"},"value":{"shape":"Str","locationName":"Val"}},
      "FlatList":{"type":"list","member":{"shape":"Str","locationName":"Item"},"flattened":true},
      "Bytes":{"type":"blob"},
      "Ratio":{"type":"double","max":1},
      "Big":{"type":"long"},
      "Str":{"type":"string","max":5}
     }}
    """#
}
