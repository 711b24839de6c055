import Foundation

extension ServiceModel {
  /// STS (2011-06-15), loaded from the bundled resource on first use and kept for the process,
  /// like `iam`. Regenerate it with `scripts/generate-service-models.py --service sts`.
  public static let sts: ServiceModel = {
    do {
      return try bundled(named: "sts-model")
    } catch {
      fatalError("the bundled STS model does not load: \(error)")
    }
  }()
}
