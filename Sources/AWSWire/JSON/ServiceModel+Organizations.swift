import Foundation

extension ServiceModel {
  /// AWS Organizations (2016-11-28), a JSON 1.1 service, loaded from the bundled resource on
  /// first use. Regenerate it with `scripts/generate-service-models.py --service organizations`.
  public static let organizations: ServiceModel = {
    do {
      return try bundled(named: "organizations-model")
    } catch {
      fatalError("the bundled Organizations model does not load: \(error)")
    }
  }()
}
