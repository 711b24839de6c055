import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The three kinds of identity that hold policies.
enum AttachableEntity {
  case user, group, role

  /// `User`, `Group` or `Role`, as operation names spell it.
  var noun: String {
    switch self {
    case .user: "User"
    case .group: "Group"
    case .role: "Role"
    }
  }

  /// The input member that names the entity.
  var nameMember: String { "\(noun)Name" }

  /// The kind of its inline policies (their size quota differs).
  var inlineKind: PolicyKind {
    switch self {
    case .user: .userInline
    case .group: .groupInline
    case .role: .roleInline
    }
  }
}

/// A user, group or role seen only as a holder of policies: what attaching, detaching and
/// listing managed policies, and the inline-policy calls, have in common.
struct PolicyHolder {
  let entity: AttachableEntity
  /// The name as stored (the caller's spelling may differ in case).
  let name: String
  var attachedPolicies: [String]
  var inlinePolicies: [String: String]
}

extension IAMService {
  /// The ARN to authorize against for the holder named `name`, which may not exist.
  func holderARN(_ entity: AttachableEntity, _ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    switch entity {
    case .user: userARN(name, caller, snapshot)
    case .group: groupARN(name, caller, snapshot)
    case .role: roleARN(name, caller, snapshot)
    }
  }

  /// Authorizes `action` (`iam:<action>`) on the holder named in `input`, then loads it, or
  /// throws AWS's `NoSuchEntity` for it.
  func authorizedHolder(
    _ entity: AttachableEntity, _ input: ModelValue, _ caller: Caller, action: String,
    context: [String: ContextValue] = [:], snapshot: DirectorySnapshot
  ) throws(AWSError) -> PolicyHolder {
    let name = input.string(entity.nameMember) ?? ""
    try authorize(caller, action, holderARN(entity, name, caller, snapshot), context: context, snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    switch entity {
    case .user:
      let user = try user(name, in: account)
      return PolicyHolder(entity: entity, name: user.name, attachedPolicies: user.attachedPolicies, inlinePolicies: user.inlinePolicies)
    case .group:
      let group = try group(name, in: account)
      return PolicyHolder(entity: entity, name: group.name, attachedPolicies: group.attachedPolicies, inlinePolicies: group.inlinePolicies)
    case .role:
      let role = try role(name, in: account)
      return PolicyHolder(entity: entity, name: role.name, attachedPolicies: role.attachedPolicies, inlinePolicies: role.inlinePolicies)
    }
  }

  /// Writes a holder's policies back into its entity.
  func save(_ holder: PolicyHolder, caller: Caller, in tx: inout DirectoryTransaction) throws(AWSError) {
    let account = try tx.account(caller.accountID)
    switch holder.entity {
    case .user:
      var user = try user(holder.name, in: account)
      user.attachedPolicies = holder.attachedPolicies
      user.inlinePolicies = holder.inlinePolicies
      tx.put(user)
    case .group:
      var group = try group(holder.name, in: account)
      group.attachedPolicies = holder.attachedPolicies
      group.inlinePolicies = holder.inlinePolicies
      tx.put(group)
    case .role:
      var role = try role(holder.name, in: account)
      // Only the service changes a service-linked role's policies (`UnmodifiableEntity`).
      try refuseIfServiceLinked(role)
      role.attachedPolicies = holder.attachedPolicies
      role.inlinePolicies = holder.inlinePolicies
      tx.put(role)
    }
  }
}
