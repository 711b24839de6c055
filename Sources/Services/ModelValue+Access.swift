import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Typed access to decoded operation input, and builders for output, so handlers read like the
/// API reference: `input.string("UserName")`, `.structure(["User": user.model])`.
extension ModelValue {
  /// A member of a structure.
  subscript(_ member: String) -> ModelValue? {
    if case .structure(let members) = self { return members[member] }
    return nil
  }

  func string(_ member: String) -> String? {
    if case .string(let s)? = self[member] { return s }
    return nil
  }

  func int(_ member: String) -> Int? {
    if case .integer(let i)? = self[member] { return Int(i) }
    return nil
  }

  func bool(_ member: String) -> Bool? {
    if case .boolean(let b)? = self[member] { return b }
    return nil
  }

  func list(_ member: String) -> [ModelValue]? {
    if case .list(let items)? = self[member] { return items }
    return nil
  }

  func strings(_ member: String) -> [String]? {
    list(member)?.compactMap { if case .string(let s) = $0 { s } else { nil } }
  }

  /// `Tags.member.N.Key/Value` as tags.
  func tags(_ member: String = "Tags") -> [Tag]? {
    list(member)?.compactMap { item in
      guard let key = item.string("Key") else { return nil }
      return Tag(key: key, value: item.string("Value") ?? "")
    }
  }

  /// A structure from optional members (nil members are left out).
  static func object(_ members: [String: ModelValue?]) -> ModelValue {
    .structure(members.compactMapValues { $0 })
  }

  static func str(_ s: String?) -> ModelValue? { s.map(ModelValue.string) }
  static func int(_ i: Int) -> ModelValue { .integer(Int64(i)) }
  static func date(_ d: Date?) -> ModelValue? { d.map(ModelValue.timestamp) }
  static func bool(_ b: Bool) -> ModelValue { .boolean(b) }
}

extension Tag {
  var model: ModelValue { .structure(["Key": .string(key), "Value": .string(value)]) }
}

extension [Tag] {
  var model: ModelValue? { isEmpty ? nil : .list(map(\.model)) }
}

/// Policy documents travel URL-encoded inside IAM responses, as AWS sends them.
func urlEncodedDocument(_ document: String) -> ModelValue {
  let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
  return .string(document.addingPercentEncoding(withAllowedCharacters: allowed) ?? document)
}
