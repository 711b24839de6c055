import Foundation

/// Every field of the directory that is sealed with the master key (`SecretBox`), in one
/// place: `portcullis admin rotate-master-key` re-seals exactly what this lists, in the stored
/// entities and in the change log's copies of them.
///
/// A new entity kind must be classified here: either it gets a re-sealer, or it joins
/// `kindsWithoutSealedFields` (a test checks that every kind is one or the other). Password
/// hashes are not sealed: they are slow KDF hashes, and stay as they are.
public enum SealedSecrets {
  /// Re-seals the sealed fields of one stored entity body.
  public typealias Resealer = @Sendable (_ body: Data, _ reseal: (Data) throws -> Data) throws -> Data

  /// The kinds that carry sealed fields, with how to re-seal each.
  public static let resealers: [EntityKind: Resealer] = [
    .accessKey: resealer(AccessKey.self, \.sealedSecret),
    .mfaDevice: resealer(VirtualMFADevice.self, \.sealedSeed),
    .serverCertificate: resealer(ServerCertificate.self, \.sealedPrivateKey),
  ]

  /// The kinds that carry nothing sealed.
  public static let kindsWithoutSealedFields: Set<EntityKind> = [
    .account, .user, .group, .role, .policy, .instanceProfile, .oidcProvider, .samlProvider,
    // Certificates and SSH keys are public; service credentials keep only a KDF hash.
    .signingCertificate, .sshPublicKey, .serviceSpecificCredential,
    .organization, .organizationalUnit, .organizationAccount, .organizationPolicy,
  ]

  /// A re-sealer that decodes an `E`, replaces each of `fields` by its re-sealed value and
  /// encodes it again.
  static func resealer<E: DirectoryEntity>(_ type: E.Type, _ fields: WritableKeyPath<E, Data>...) -> Resealer {
    nonisolated(unsafe) let fields = fields
    return { body, reseal in
      var entity = try EntityChange.decoder.decode(E.self, from: body)
      for field in fields { entity[keyPath: field] = try reseal(entity[keyPath: field]) }
      return try EntityChange.encoder.encode(entity)
    }
  }

  /// `change` with its sealed fields re-sealed; unchanged if its kind has none or it is a
  /// deletion.
  public static func reseal(_ change: EntityChange, _ reseal: (Data) throws -> Data) throws -> EntityChange {
    guard let body = change.body, let resealer = resealers[change.kind] else { return change }
    var result = change
    result.body = try resealer(body, reseal)
    return result
  }

  /// A sealed secret could not be opened with the keys given: re-sealing stops, changing nothing.
  public struct UnreadableSecret: Error, CustomStringConvertible {
    public var kind: EntityKind
    public var key: String
    public var description: String { "a sealed secret of \(kind) `\(key)` does not open with the master key" }
  }

  /// Re-seals every sealed secret in `store` from `old` (which may hold previous keys) to
  /// `new`, in one store transaction that also rewrites the change log's copies, so no
  /// secret sealed under the old key is left in the database's tables. Returns how many
  /// entities were re-sealed. If any secret does not open with `old`, throws and changes
  /// nothing.
  public static func resealAll(in store: any DirectoryStore, from old: SecretBox, to new: SecretBox) throws -> Int {
    let (entities, _) = try store.load()
    var resealed: [EntityChange] = []
    for change in entities where resealers[change.kind] != nil && change.body != nil {
      resealed.append(
        try reseal(change) { sealed in
          guard let secret = old.open(sealed) else { throw UnreadableSecret(kind: change.kind, key: change.key) }
          return new.seal(secret)
        })
    }
    _ = try store.commit(resealed) { logged in
      // History sealed under a key that is gone stays unreadable rather than stopping the
      // rotation: an entity deleted long ago may predate the key being rotated away.
      try reseal(logged) { sealed in old.open(sealed).map { new.seal($0) } ?? sealed }
    }
    return resealed.count
  }
}
