import AWSWire
import Audit
import Foundation
import Testing

/// A trail in a fresh temporary folder, with events that differ by name and time.
struct TrailFixture {
  let files: TrailFiles

  init() {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("trail-\(UUID().uuidString)")
    files = TrailFiles(root: root)
  }

  static func event(_ name: String, user: String = "alice", at seconds: TimeInterval = 0, error: String? = nil) -> AuditEvent {
    AuditEvent(
      eventTime: Date(timeIntervalSince1970: 1_795_000_000 + seconds), eventSource: "iam.amazonaws.com", eventName: name,
      awsRegion: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test",
      identity: AuditIdentity(
        type: "IAMUser", principalID: "AIDAEXAMPLE", arn: "arn:aws:iam::123456789012:user/\(user)",
        accountID: "123456789012", accessKeyID: "AKIAEXAMPLE", userName: user),
      requestParameters: .object(["userName": .string("bob")]), errorCode: error,
      requestID: UUID().uuidString.lowercased(), eventID: UUID().uuidString.lowercased(),
      readOnly: name.hasPrefix("Get"), recipientAccountID: "123456789012")
  }

  /// Writes `count` events into segments of `perSegment` events each, then shuts down.
  func write(_ count: Int, perSegment: Int = 3) throws {
    var options = TrailWriter.Options()
    options.segmentSeconds = Double(perSegment)
    options.flushInterval = .milliseconds(10)
    let writer = try TrailWriter(files: files, options: options)
    for i in 0..<count { writer.record(Self.event(i % 2 == 0 ? "CreateUser" : "GetUser", at: Double(i))) }
    writer.shutdown()
  }

  func segmentURL(_ index: Int) -> URL { files.segments.appendingPathComponent(files.segmentNames()[index]) }
}

@Suite struct TrailTests {
  @Test func segmentsAreCloudTrailDocuments() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    #expect(fixture.files.segmentNames().count == 3)
    let document = try TrailJSON.parse(Array(try Data(contentsOf: fixture.segmentURL(0))))
    guard case .array(let records) = document["Records"] ?? .null else {
      Issue.record("no Records array")
      return
    }
    #expect(records.count == 3)
    #expect(records[0]["eventVersion"] == .string("1.08"))
    #expect(records[0]["eventName"] == .string("CreateUser"))
    #expect(records[0]["userIdentity"]?["userName"] == .string("alice"))
    #expect(records[0]["eventTime"] == .string("2026-11-18T11:06:40Z"))
  }

  @Test func untouchedTrailVerifies() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let report = try TrailVerifier.verify(fixture.files)
    #expect(report.problems == [])
    #expect(report.segmentsChecked == 3)
    #expect(report.recordsChecked == 7)
    #expect(report.provenUntil == "2026-11-18T11:06:46Z")
  }

  @Test func editedByteNamesTheSegment() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    var data = try Data(contentsOf: fixture.segmentURL(1))
    data[40] ^= 1
    try data.write(to: fixture.segmentURL(1))
    #expect(try TrailVerifier.verify(fixture.files).problems == [.modified(segment: fixture.files.segmentNames()[1])])
  }

  @Test func deletedSegmentIsNamed() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let name = fixture.files.segmentNames()[1]
    try FileManager.default.removeItem(at: fixture.segmentURL(1))
    #expect(try TrailVerifier.verify(fixture.files).problems == [.deleted(segment: name)])
  }

  @Test func insertedSegmentIsNamed() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let forged = fixture.files.segments.appendingPathComponent("00000002-20261118T054641Z.json")
    try Data(contentsOf: fixture.segmentURL(0)).write(to: forged)
    #expect(try TrailVerifier.verify(fixture.files).problems == [.inserted(segment: forged.lastPathComponent)])
  }

  @Test func reorderedSegmentsAreBothModified() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let (a, b) = (fixture.segmentURL(0), fixture.segmentURL(1))
    let (da, db) = (try Data(contentsOf: a), try Data(contentsOf: b))
    try db.write(to: a)
    try da.write(to: b)
    let names = fixture.files.segmentNames()
    #expect(try TrailVerifier.verify(fixture.files).problems == [.modified(segment: names[0]), .modified(segment: names[1])])
  }

  @Test func truncatedLastSegmentIsModified() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let last = fixture.segmentURL(2)
    let data = try Data(contentsOf: last)
    try data.prefix(data.count - 10).write(to: last)
    #expect(try TrailVerifier.verify(fixture.files).problems == [.modified(segment: fixture.files.segmentNames()[2])])
  }

  @Test func removedDigestBreaksTheChain() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let digests = fixture.files.digestNames()
    try FileManager.default.removeItem(at: fixture.files.digests.appendingPathComponent(digests[1]))
    let problems = try TrailVerifier.verify(fixture.files).problems
    #expect(problems.contains(.brokenChain(digest: digests[2], expectedPrevious: digests[1])))
    #expect(problems.contains(.inserted(segment: fixture.files.segmentNames()[1])))
  }

  @Test func forgedDigestFailsItsSignature() throws {
    let fixture = TrailFixture()
    try fixture.write(4)
    let digest = fixture.files.digests.appendingPathComponent(fixture.files.digestNames()[0])
    let text = try String(contentsOf: digest, encoding: .utf8).replacingOccurrences(of: "\"recordCount\":3", with: "\"recordCount\":2")
    try Data(text.utf8).write(to: digest)
    let names = fixture.files.digestNames()
    // The next digest chains to the forged one's hash, so the chain breaks there too.
    #expect(
      try TrailVerifier.verify(fixture.files).problems == [
        .invalidSignature(digest: names[0]), .brokenChain(digest: names[1], expectedPrevious: names[0]),
      ])
  }

  @Test func segmentCutShortByACrashIsCompletedAtTheNextStart() throws {
    let fixture = TrailFixture()
    try FileManager.default.createDirectory(at: fixture.files.segments, withIntermediateDirectories: true)
    let record = TrailFixture.event("CreateUser").record.serialized
    let crashed = "{\"Records\":[\n\(record)\n,\(record)\n,{\"eventVer"
    try Data(crashed.utf8).write(to: fixture.files.segments.appendingPathComponent("00000001-20261118T054640Z.json"))
    try fixture.write(1)
    let report = try TrailVerifier.verify(fixture.files)
    #expect(report.problems == [])
    #expect(report.recordsChecked == 3)
  }

  @Test func openSegmentIsReportedNotInserted() throws {
    let fixture = TrailFixture()
    let writer = try TrailWriter(files: fixture.files)
    writer.record(TrailFixture.event("CreateUser"))
    writer.flush()
    let report = try TrailVerifier.verify(fixture.files)
    #expect(report.problems == [])
    #expect(report.openSegment?.records == 1)
    writer.shutdown()
  }

  @Test func lookupFiltersByAttributeNewestFirst() throws {
    let fixture = TrailFixture()
    try fixture.write(7)
    let found = fixture.files.lookup(TrailQuery(attribute: ("EventName", "CreateUser")), limit: 10).records
    #expect(found.count == 4)
    #expect(found.first?["eventTime"] == .string("2026-11-18T11:06:46Z"))
    let page = fixture.files.lookup(TrailQuery(attribute: ("Username", "alice")), skip: 2, limit: 3)
    #expect(page.records.count == 3 && page.more)
    let byResource = fixture.files.lookup(TrailQuery(attribute: ("ResourceName", "bob")), limit: 100).records
    #expect(byResource.count == 7)
  }

  @Test func secretsAreHiddenFromParameters() {
    let json = AuditParameters.json(
      .structure(["UserName": .string("bob"), "Password": .string("hunter2hunter2"), "NewPassword": .string("p")]))
    #expect(json?.serialized == #"{"newPassword":"HIDDEN_DUE_TO_SECURITY_REASONS","password":"HIDDEN_DUE_TO_SECURITY_REASONS","userName":"bob"}"#)
  }
}
