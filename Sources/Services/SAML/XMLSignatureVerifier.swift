import Crypto
import Foundation
import _CryptoExtras

/// Verifies an enveloped XML signature (XML-DSig) over the element that contains it.
///
/// Only what SAML IdPs use is accepted, and everything else is refused rather than skipped:
/// - `SignedInfo` canonicalized with exclusive c14n (optionally with `InclusiveNamespaces`);
/// - signature `rsa-sha256` or `rsa-sha1`, digest `sha256` or `sha1`;
/// - exactly one `Reference`, whose `URI` is `#ID` of the element the signature is a direct
///   child of, and whose transforms are `enveloped-signature` and exclusive c14n only.
///
/// Tying the reference to the signature's own parent (instead of looking the id up anywhere
/// in the document) is the defence against signature wrapping: the element a caller reads
/// data from afterwards is the very node that was digested.
struct XMLSignatureVerifier {
  enum Failure: Error, Equatable {
    /// The signature's structure or algorithms are not acceptable.
    case unsupported(String)
    /// The digest of the signed element does not match.
    case digestMismatch
    /// No certificate's key verifies `SignatureValue`.
    case badSignature
  }

  static let signatureRSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
  static let signatureRSASHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
  static let digestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
  static let digestSHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
  static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

  /// The keys that may have signed.
  var keys: [_RSA.Signing.PublicKey]

  /// Keys from DER certificates; certificates whose key is not RSA (of at least 2048 bits)
  /// are left out.
  init(certificates: [Data]) {
    keys = certificates.compactMap { der in
      X509SubjectPublicKeyInfo.extract(from: Array(der)).flatMap { try? _RSA.Signing.PublicKey(derRepresentation: $0) }
    }
  }

  /// Checks `signature`, a direct child of `element`, against `element`'s content.
  /// `ids` counts the `ID` attributes of the whole document: the referenced one must be unique.
  func verify(_ signature: XMLElementNode, signing element: XMLElementNode, ids: [String: Int]) throws(Failure) {
    let ds = XMLNamespace.dsig
    guard signature.parent === element, signature.is(ds, "Signature"),
      let signedInfo = signature.child(ds, "SignedInfo"),
      let signatureValueText = signature.child(ds, "SignatureValue")?.text,
      let signatureValue = Data(base64Encoded: Self.strippingWhitespace(signatureValueText))
    else { throw .unsupported("the Signature element is incomplete") }

    guard let canonicalization = signedInfo.child(ds, "CanonicalizationMethod"),
      canonicalization.attribute("Algorithm") == XMLNamespace.excC14N
    else { throw .unsupported("SignedInfo must be canonicalized with exclusive XML canonicalization") }
    guard let signatureMethod = signedInfo.child(ds, "SignatureMethod")?.attribute("Algorithm"),
      signatureMethod == Self.signatureRSASHA256 || signatureMethod == Self.signatureRSASHA1
    else { throw .unsupported("the signature algorithm is not supported") }

    let references = signedInfo.children(ds, "Reference")
    guard references.count == 1, let reference = references.first,
      let uri = reference.attribute("URI"), uri.hasPrefix("#"),
      let id = element.attribute("ID"), uri == "#\(id)", ids[id] == 1
    else { throw .unsupported("the signature must reference the element that contains it") }

    var transformsSeen: [String] = []
    var referenceCanonicalizer = XMLCanonicalizer(excluded: signature)
    if let transforms = reference.child(ds, "Transforms") {
      for transform in transforms.elements {
        guard transform.is(ds, "Transform"), let algorithm = transform.attribute("Algorithm") else {
          throw .unsupported("malformed Transforms")
        }
        switch algorithm {
        case Self.envelopedSignature: break
        case XMLNamespace.excC14N: referenceCanonicalizer.inclusivePrefixes = Self.inclusivePrefixes(transform)
        default: throw .unsupported("the transform \(algorithm) is not supported")
        }
        transformsSeen.append(algorithm)
      }
    }
    guard transformsSeen.contains(Self.envelopedSignature), transformsSeen.last == XMLNamespace.excC14N,
      Set(transformsSeen).count == transformsSeen.count
    else { throw .unsupported("the reference must use the enveloped-signature and exclusive c14n transforms") }

    guard let digestMethod = reference.child(ds, "DigestMethod")?.attribute("Algorithm"),
      let digestText = reference.child(ds, "DigestValue")?.text,
      let expectedDigest = Data(base64Encoded: Self.strippingWhitespace(digestText))
    else { throw .unsupported("the reference has no digest") }
    let signedBytes = referenceCanonicalizer.canonicalize(element)
    let digest: Data
    switch digestMethod {
    case Self.digestSHA256: digest = Data(SHA256.hash(data: signedBytes))
    case Self.digestSHA1: digest = Data(Insecure.SHA1.hash(data: signedBytes))
    default: throw .unsupported("the digest algorithm is not supported")
    }
    // Not secret: both digests are public; a plain comparison is fine.
    guard digest == expectedDigest else { throw .digestMismatch }

    let signedInfoBytes = XMLCanonicalizer(inclusivePrefixes: Self.inclusivePrefixes(canonicalization))
      .canonicalize(signedInfo)
    let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signatureValue)
    let valid = keys.contains { key in
      signatureMethod == Self.signatureRSASHA256
        ? key.isValidSignature(rsaSignature, for: SHA256.hash(data: signedInfoBytes), padding: .insecurePKCS1v1_5)
        : key.isValidSignature(rsaSignature, for: Insecure.SHA1.hash(data: signedInfoBytes), padding: .insecurePKCS1v1_5)
    }
    guard valid else { throw .badSignature }
  }

  /// The `PrefixList` of an `ec:InclusiveNamespaces` child of a c14n method or transform.
  static func inclusivePrefixes(_ method: XMLElementNode) -> Set<String> {
    guard let list = method.child(XMLNamespace.excC14N, "InclusiveNamespaces")?.attribute("PrefixList") else {
      return []
    }
    return Set(list.split(whereSeparator: \.isWhitespace).map(String.init))
  }

  static func strippingWhitespace(_ text: String) -> String { text.filter { !$0.isWhitespace } }
}
