import AWSWire
import Crypto
import Foundation
import SwiftASN1
import X509

/// A PEM certificate as IAM receives it (`UploadSigningCertificate`, `UploadServerCertificate`),
/// parsed once so each operation can check what AWS checks: that it is one well-formed X.509
/// certificate, its validity period, and whether a private key belongs to it.
struct UploadedCertificate {
  let certificate: Certificate
  /// SHA-256 of the DER, hex: the same certificate whatever its PEM line breaks.
  let fingerprint: String

  /// Parses `pem`: exactly one `CERTIFICATE` block, or `MalformedCertificate`.
  init(pem: String) throws(AWSError) {
    let documents = Self.pemDocuments(pem)
    guard documents.count == 1, documents[0].discriminator == "CERTIFICATE" else {
      throw Self.malformed("Unable to parse certificate. Please ensure the certificate is in PEM format.")
    }
    let der = documents[0].derBytes
    guard let certificate = try? Certificate(derEncoded: der) else {
      throw Self.malformed("Unable to parse certificate. Please ensure the certificate is in PEM format.")
    }
    self.certificate = certificate
    fingerprint = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
  }

  /// The `notAfter` date.
  var expiration: Date { certificate.notValidAfter }

  /// Whether `now` is inside the certificate's validity period.
  func isValid(at now: Date) -> Bool {
    certificate.notValidBefore <= now && now <= certificate.notValidAfter
  }

  /// Checks that `pem` is a private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) whose
  /// public key is the certificate's: `MalformedCertificate` if it is no key this server can
  /// read, `KeyPairMismatch` if it is another key.
  func checkPrivateKey(_ pem: String) throws(AWSError) {
    let documents = Self.pemDocuments(pem)
    guard documents.count == 1, let key = try? Certificate.PrivateKey(pemDocument: documents[0]) else {
      throw Self.malformed("Unable to parse private key.")
    }
    guard key.publicKey == certificate.publicKey else {
      throw AWSError(
        code: "KeyPairMismatch", message: "Unable to validate certificate: the public key certificate and private key do not match.")
    }
  }

  /// Checks that `pem` is a chain of one or more PEM certificates.
  static func checkChain(_ pem: String) throws(AWSError) {
    let documents = pemDocuments(pem)
    guard !documents.isEmpty else { throw malformed("Unable to parse certificate chain. Please ensure the chain is in PEM format.") }
    for document in documents {
      guard document.discriminator == "CERTIFICATE", (try? Certificate(derEncoded: document.derBytes)) != nil else {
        throw malformed("Unable to parse certificate chain. Please ensure the chain is in PEM format.")
      }
    }
  }

  /// The PEM blocks of `text`; none when it is not PEM at all.
  static func pemDocuments(_ text: String) -> [PEMDocument] {
    // Windows line ends and surrounding blanks are common in pasted PEM; SwiftASN1 wants `\n`.
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return (try? PEMDocument.parseMultiple(pemString: normalized)) ?? []
  }

  static func malformed(_ message: String) -> AWSError {
    AWSError(code: "MalformedCertificate", message: message)
  }
}
