import Foundation

extension ServiceModel {
  /// AWS CloudTrail (2013-11-01), a JSON 1.1 service; Portcullis answers `LookupEvents` from its
  /// own trail. Regenerate with `scripts/generate-service-models.py --service cloudtrail`.
  public static let cloudtrail: ServiceModel = {
    do {
      return try bundled(named: "cloudtrail-model")
    } catch {
      fatalError("the bundled CloudTrail model does not load: \(error)")
    }
  }()
}
