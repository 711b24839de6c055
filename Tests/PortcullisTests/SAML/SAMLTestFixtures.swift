import Foundation

/// An IdP's certificate and metadata for the SAML suites.
enum SAMLTestFixtures {
  /// A self-signed RSA-2048 certificate (CN=portcullis-test-idp), made for these tests.
  static let certificate = "MIICtTCCAZ2gAwIBAgIBATANBgkqhkiG9w0BAQsFADAeMRwwGgYDVQQDDBNwb3J0Y3VsbGlzLXRlc3QtaWRwMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowHjEcMBoGA1UEAwwTcG9ydGN1bGxpcy10ZXN0LWlkcDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAOBxt17goBd1cCz+mIG0tBmKRCZ9DMXD6vhiRX3BFdC/Pf4QdNm5fjhlyvrDN7wyVXoTVfIutX5CyxHRDH/BQvyWCCdq8YJUov+36I0ABTte91Sxq0rC5QkhjaC00U0UfrGVRJorVEioC4rCiU4mmh1YTrQPwNPfZMmeYoeSAfBR2jP+gp0Q6VLNoz2GyHS68y4VEOnZAMEEXxe5ceDgrnuAFi6SjDkq+ulMqIQw0aJjkxOixX9zZEkF4yPGoCpG5rfggT7Af9NrYGMMp1ZPcsUJnjQCrKd0YkWad4y6aTMzgHw4ooFknOTgwFSjCgXEVejyrnJ1myorD/7KAHWgomMCAwEAATANBgkqhkiG9w0BAQsFAAOCAQEAV8aNApclUe2M/UaYyLZskf0SBZgb4MpytpL9fJLAYikkvavl5THNFEo1RVlZf7Y8QWINpYuvRGh3EZFL8An5/gs0t42hw0n3inZ+awkiZinDAu4oe7UQgubgchbtK0yP38HvwSdaHaha0Pc/IGlxSaJ6TeZ/3O6+tccAkzQBfIvGD9WtSgzVCLXgEheoX7dtyNPZTXUt3tu2hah/4/8JWmPA3319ar0gWuS+IghC7RXopHywnFxyr4LOQAUxPDDKAUSxcMLAxyMGiKFk0YXUJccCzZ03aeQIK8nAh7zShuZAxUT4CIAULTl67CsrjurNWg3XgYtsnNuwqk+jh9aCoA=="

  /// IdP metadata listing `certificate` for signing (`use` as given; no `use` means both).
  static func metadata(entityID: String = "https://idp.example.com/saml", use: String? = "signing") -> String {
    let useAttribute = use.map { #" use="\#($0)""# } ?? ""
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(entityID)" validUntil="2030-01-01T00:00:00Z">
        <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
          <md:KeyDescriptor\(useAttribute)>
            <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
              <ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data>
            </ds:KeyInfo>
          </md:KeyDescriptor>
          <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
        </md:IDPSSODescriptor>
      </md:EntityDescriptor>
      """
  }
}
