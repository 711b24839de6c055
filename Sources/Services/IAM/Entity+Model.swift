import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Entities as the IAM API's output shapes.
extension User {
  /// The `User` shape; `full` adds what `GetUser` returns beyond `ListUsers`.
  func model(full: Bool = false) -> ModelValue {
    .object([
      "Path": .string(path), "UserName": .string(name), "UserId": .string(id), "Arn": .string(arn),
      "CreateDate": .timestamp(createDate), "PasswordLastUsed": .date(passwordLastUsed),
      "PermissionsBoundary": full ? boundaryModel(permissionsBoundary) : nil,
      "Tags": full ? tags.model : nil,
    ])
  }
}

func boundaryModel(_ arn: String?) -> ModelValue? {
  arn.map { .structure(["PermissionsBoundaryType": .string("Policy"), "PermissionsBoundaryArn": .string($0)]) }
}

extension Group {
  var model: ModelValue {
    .object([
      "Path": .string(path), "GroupName": .string(name), "GroupId": .string(id), "Arn": .string(arn),
      "CreateDate": .timestamp(createDate),
    ])
  }
}

extension Role {
  func model(full: Bool = false) -> ModelValue {
    var lastUsed: ModelValue? = nil
    if full {
      lastUsed = .object(["LastUsedDate": .date(lastUsedDate), "Region": .str(lastUsedRegion)])
    }
    return .object([
      "Path": .string(path), "RoleName": .string(name), "RoleId": .string(id), "Arn": .string(arn),
      "CreateDate": .timestamp(createDate), "AssumeRolePolicyDocument": urlEncodedDocument(assumeRolePolicyDocument),
      "Description": .str(description), "MaxSessionDuration": .int(maxSessionDuration),
      "PermissionsBoundary": full ? boundaryModel(permissionsBoundary) : nil,
      "Tags": full ? tags.model : nil, "RoleLastUsed": lastUsed,
    ])
  }
}

extension InstanceProfile {
  func model(roles: [Role]) -> ModelValue {
    .object([
      "Path": .string(path), "InstanceProfileName": .string(name), "InstanceProfileId": .string(id),
      "Arn": .string(arn), "CreateDate": .timestamp(createDate), "Roles": .list(roles.map { $0.model() }),
      "Tags": tags.model,
    ])
  }
}

extension AccessKey {
  var metadataModel: ModelValue {
    .object([
      "UserName": .str(userName), "AccessKeyId": .string(id), "Status": .string(status),
      "CreateDate": .timestamp(createDate),
    ])
  }
}
