"""SAML 2.0 federation end to end: an IdP built in the test (an RSA key and a self-signed
certificate), its metadata registered with CreateSAMLProvider, SAML responses signed here with
lxml's exclusive canonicalization and `cryptography`, and AssumeRoleWithSAML called unsigned by
boto3 and by the AWS CLI. Forged, tampered, expired, replayed and mis-addressed responses fail."""
import base64
import datetime
import hashlib
import json
import shutil
import time
import uuid

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from portcullis_e2e import (
    ACCOUNT_ID, REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, arn, boto_session, doc, expect_error, unique,
)

DS = "http://www.w3.org/2000/09/xmldsig#"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
SIGNIN = "https://signin.aws.amazon.com/saml"
ALGORITHMS = {
    "sha256": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmlenc#sha256",
               hashes.SHA256(), hashlib.sha256),
    "sha1": ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1",
             hashes.SHA1(), hashlib.sha1),
}


def utc(seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class IdP:
    """A SAML identity provider: an RSA key, its self-signed certificate, metadata and responses."""

    def __init__(self, entity_id):
        self.entity_id = entity_id
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portcullis-e2e-idp")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=365)).sign(self.key, hashes.SHA256()))
        self.cert_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()

    def metadata(self, use="signing"):
        use_attribute = f' use="{use}"' if use else ""
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{self.entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor{use_attribute}>
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data>
          <ds:X509Certificate>
{self.cert_b64}
          </ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""

    def response_xml(self, role_arn, provider_arn, session_name="alice", subject="alice@example.com",
                     audience=SIGNIN, recipient=SIGNIN, not_on_or_after=300, not_before=-60, extra_attributes="",
                     session_duration=None, issuer=None, issued=0):
        """An unsigned samlp:Response, written the way IdPs write them (attributes in no order,
        namespaces declared high up, indentation, xsi:type values)."""
        issuer = issuer or self.entity_id
        duration = ""
        if session_duration is not None:
            duration = f"""
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">
        <saml:AttributeValue xsi:type="xs:string">{session_duration}</saml:AttributeValue>
      </saml:Attribute>"""
        return f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0" ID="_r{uuid.uuid4().hex}" IssueInstant="{utc(issued)}" Destination="{SIGNIN}">
  <saml:Issuer>{issuer}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" IssueInstant="{utc(issued)}" Version="2.0" ID="_a{uuid.uuid4().hex}">
    <saml:Issuer>{issuer}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{subject}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData Recipient="{recipient}" NotOnOrAfter="{utc(not_on_or_after)}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotOnOrAfter="{utc(not_on_or_after)}" NotBefore="{utc(not_before)}">
      <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{utc()}" SessionIndex="_s1">
      <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue xsi:type="xs:string">{role_arn},{provider_arn}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue xsi:type="xs:string">{session_name}</saml:AttributeValue>
      </saml:Attribute>{duration}{extra_attributes}
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"""

    def sign(self, xml, target="assertion", algorithm="sha256", key=None, prefixes=None):
        """Signs the assertion and/or the response (enveloped, exclusive c14n) and returns the XML."""
        root = etree.fromstring(xml.encode())
        elements = {"response": root, "assertion": root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")}
        # The assertion first: a response signature must cover the signed assertion.
        for name in ("assertion", "response"):
            if target in (name, "both"):
                self._sign_element(elements[name], algorithm, key or self.key, prefixes)
        return etree.tostring(root).decode()

    def _sign_element(self, element, algorithm, key, prefixes):
        signature_uri, digest_uri, hash_algorithm, digest = ALGORITHMS[algorithm]
        inclusive = f'<ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="{" ".join(prefixes)}"/>' if prefixes else ""
        canonical = etree.tostring(element, method="c14n", exclusive=True, with_comments=False,
                                   inclusive_ns_prefixes=prefixes)
        digest_value = base64.b64encode(digest(canonical).digest()).decode()
        signature = etree.fromstring(f"""<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{EXC}"/><ds:SignatureMethod Algorithm="{signature_uri}"/><ds:Reference URI="#{element.get('ID')}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="{EXC}">{inclusive}</ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="{digest_uri}"/><ds:DigestValue>{digest_value}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{self.cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>""")
        element.insert(1, signature)  # after the Issuer, where the schema puts it
        signed_info = signature.find(f"{{{DS}}}SignedInfo")
        signed_bytes = etree.tostring(signed_info, method="c14n", exclusive=True, with_comments=False)
        value = key.sign(signed_bytes, padding.PKCS1v15(), hash_algorithm)
        signature.find(f"{{{DS}}}SignatureValue").text = base64.b64encode(value).decode()


def b64(xml):
    return base64.b64encode(xml.encode()).decode()


def sts_client(server):
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, signature_version=UNSIGNED)
    return boto_session().client("sts", endpoint_url=server.endpoint, region_name=REGION, config=config)


def signed_sts(server, creds):
    return boto_session().client(
        "sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


@pytest.fixture
def idp(iam):
    """A registered SAML provider for a fresh IdP."""
    idp = IdP(f"https://{unique('idp')}.example.com/saml")
    idp.name = unique("saml")
    idp.provider_arn = iam.create_saml_provider(Name=idp.name, SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    assert idp.provider_arn == f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{idp.name}"
    return idp


def saml_role(iam, idp, condition=None, max_session=3600):
    statement = {"Effect": "Allow", "Principal": {"Federated": idp.provider_arn}, "Action": "sts:AssumeRoleWithSAML"}
    if condition:
        statement["Condition"] = condition
    name = unique("samlrole")
    iam.create_role(RoleName=name, MaxSessionDuration=max_session,
                    AssumeRolePolicyDocument=doc({"Version": "2012-10-17", "Statement": [statement]}))
    return arn("role", name), name


# --- SAML providers -----------------------------------------------------------------------------

def test_saml_provider_lifecycle(iam):
    idp = IdP("https://lifecycle.example.com/saml")
    name = unique("saml")
    created = iam.create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata(),
                                       Tags=[{"Key": "team", "Value": "id"}])
    provider_arn = created["SAMLProviderArn"]
    assert created["Tags"] == [{"Key": "team", "Value": "id"}]
    got = iam.get_saml_provider(SAMLProviderArn=provider_arn)
    assert got["SAMLMetadataDocument"] == idp.metadata() and "CreateDate" in got
    # Metadata without validUntil: AWS reports a date a hundred years on.
    assert got["ValidUntil"].year - got["CreateDate"].year == 100
    assert provider_arn in [p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]]
    expect_error("EntityAlreadyExists", iam.create_saml_provider, Name=name, SAMLMetadataDocument=idp.metadata())
    other = IdP("https://lifecycle.example.com/saml")
    assert iam.update_saml_provider(SAMLProviderArn=provider_arn,
                                    SAMLMetadataDocument=other.metadata(use=None))["SAMLProviderArn"] == provider_arn
    assert iam.get_saml_provider(SAMLProviderArn=provider_arn)["SAMLMetadataDocument"] == other.metadata(use=None)
    iam.tag_saml_provider(SAMLProviderArn=provider_arn, Tags=[{"Key": "env", "Value": "ci"}])
    iam.untag_saml_provider(SAMLProviderArn=provider_arn, TagKeys=["team"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=provider_arn)["Tags"] == [{"Key": "env", "Value": "ci"}]
    iam.delete_saml_provider(SAMLProviderArn=provider_arn)
    expect_error("NoSuchEntity", iam.get_saml_provider, SAMLProviderArn=provider_arn)
    expect_error("NoSuchEntity", iam.delete_saml_provider, SAMLProviderArn=provider_arn)


@pytest.mark.parametrize("mutate, why", [
    (lambda m: m.replace("md:IDPSSODescriptor", "md:SPSSODescriptor"), "no IdP descriptor"),
    (lambda m: m.replace('use="signing"', 'use="encryption"'), "no signing certificate"),
    (lambda m: m.replace("</md:EntityDescriptor>", ""), "not well-formed"),
    (lambda m: m.replace('<?xml version="1.0" encoding="UTF-8"?>',
                         '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'), "a DTD"),
    (lambda m: m.replace("<ds:X509Certificate>", "<ds:X509Certificate>AAAA"), "a broken certificate"),
])
def test_create_saml_provider_refuses_unusable_metadata(iam, mutate, why):
    metadata = mutate(IdP("https://bad.example.com").metadata())
    expect_error("InvalidInput", iam.create_saml_provider, Name=unique("bad"), SAMLMetadataDocument=metadata)


def test_create_saml_provider_refuses_a_short_document(iam_factory):
    unvalidated = iam_factory(parameter_validation=False)
    expect_error("ValidationError", unvalidated.create_saml_provider, Name=unique("short"),
                 SAMLMetadataDocument="<x/>" * 10)


# --- AssumeRoleWithSAML ---------------------------------------------------------------------------

def test_boto3_assumes_a_role_with_a_signed_assertion_and_the_session_works(server, iam, idp):
    role_arn, role_name = saml_role(iam, idp, {"StringEquals": {"SAML:aud": SIGNIN, "saml:sub": "alice@example.com"}})
    response = idp.sign(idp.response_xml(role_arn, idp.provider_arn))
    result = sts_client(server).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn,
                                                      SAMLAssertion=b64(response))
    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/alice"
    assert result["AssumedRoleUser"]["Arn"] == session_arn
    assert result["Subject"] == "alice@example.com" and result["SubjectType"] == "persistent"
    assert result["Issuer"] == idp.entity_id and result["Audience"] == SIGNIN
    qualifier = base64.b64encode(hashlib.sha1(f"{idp.entity_id}{ACCOUNT_ID}/{idp.name}".encode()).digest()).decode()
    assert result["NameQualifier"] == qualifier
    assert signed_sts(server, result["Credentials"]).get_caller_identity()["Arn"] == session_arn


@pytest.mark.parametrize("target, algorithm, prefixes", [
    ("response", "sha256", None),
    ("both", "sha256", None),
    ("assertion", "sha1", None),
    ("assertion", "sha256", ["xs"]),
])
def test_signature_variants_idps_use_are_accepted(server, iam, idp, target, algorithm, prefixes):
    role_arn, _ = saml_role(iam, idp)
    response = idp.sign(idp.response_xml(role_arn, idp.provider_arn), target=target, algorithm=algorithm,
                        prefixes=prefixes)
    result = sts_client(server).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn,
                                                      SAMLAssertion=b64(response))
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_role_and_provider_may_come_in_either_order_and_session_duration_is_honoured(server, iam, idp):
    role_arn, _ = saml_role(iam, idp, max_session=7200)
    xml = idp.response_xml(role_arn, idp.provider_arn, session_duration=7200).replace(
        f"{role_arn},{idp.provider_arn}", f"{idp.provider_arn},{role_arn}")
    result = sts_client(server).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn,
                                                      SAMLAssertion=b64(idp.sign(xml)))
    expiration = result["Credentials"]["Expiration"]
    remaining = (expiration - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 7000 < remaining <= 7200


def refuse(server, code, role_arn, provider_arn, response):
    return expect_error(code, sts_client(server).assume_role_with_saml, RoleArn=role_arn, PrincipalArn=provider_arn,
                        SAMLAssertion=b64(response))


def test_a_tampered_attribute_breaks_the_signature(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, session_name="alice"))
    message = refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, signed.replace(">alice<", ">mallory<"))
    assert message == "Response signature invalid"


def test_a_certificate_not_in_the_metadata_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn), key=stranger)
    assert refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, signed) == "Response signature invalid"


def test_an_unsigned_response_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, idp.response_xml(role_arn, idp.provider_arn))


def test_an_expired_assertion_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, not_on_or_after=-900, not_before=-1800))
    assert refuse(server, "ExpiredTokenException", role_arn, idp.provider_arn, signed) == "Response has expired"


def test_a_response_issued_more_than_five_minutes_ago_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, issued=-400, not_on_or_after=3600))
    message = refuse(server, "ExpiredTokenException", role_arn, idp.provider_arn, signed)
    assert message == "Token must be redeemed within 5 minutes of issuance"


def test_a_wrong_audience_or_recipient_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    wrong_audience = idp.sign(idp.response_xml(role_arn, idp.provider_arn, audience="https://sp.example.com"))
    refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, wrong_audience)
    wrong_recipient = idp.sign(idp.response_xml(role_arn, idp.provider_arn, recipient="https://sp.example.com/acs"))
    refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, wrong_recipient)


def test_a_replayed_assertion_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn))
    sts_client(server).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn,
                                             SAMLAssertion=b64(signed))
    refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, signed)


def test_another_issuer_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, issuer="https://other.example.com"))
    message = refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, signed)
    assert message == "Issuer not present in specified provider"


def test_signature_wrapping_is_refused(server, iam, idp):
    """A second, forged assertion next to the signed one must not be read."""
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, session_name="alice"))
    root = etree.fromstring(signed.encode())
    assertion = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
    forged = etree.fromstring(etree.tostring(assertion))
    forged.set("ID", "_forged")
    for signature in forged.findall(f"{{{DS}}}Signature"):
        forged.remove(signature)
    root.insert(2, forged)
    refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, etree.tostring(root).decode())


def test_a_dtd_in_the_response_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn))
    with_dtd = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + signed
    refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, with_dtd)


def test_the_role_must_be_granted_by_the_idp_and_trusted(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    other_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(other_arn, idp.provider_arn))
    refuse(server, "AccessDenied", role_arn, idp.provider_arn, signed)
    picky_arn, _ = saml_role(iam, idp, {"StringEquals": {"saml:sub": "bob@example.com"}})
    signed = idp.sign(idp.response_xml(picky_arn, idp.provider_arn))
    message = refuse(server, "AccessDenied", picky_arn, idp.provider_arn, signed)
    assert message == "Not authorized to perform sts:AssumeRoleWithSAML"


def test_the_session_name_attribute_is_required(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, session_name="a b"))
    message = refuse(server, "InvalidIdentityToken", role_arn, idp.provider_arn, signed)
    assert message == "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"


def test_an_unknown_provider_is_refused(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn))
    message = refuse(server, "InvalidIdentityToken", role_arn, arn("saml-provider", "nobody"), signed)
    assert message == "Specified provider doesn't exist"


def test_aws_cli_saml_provider_and_assume_role_with_saml(server, iam, aws_cli, tmp_path):
    idp = IdP(f"https://{unique('cli')}.example.com/saml")
    name = unique("clisaml")
    metadata_file = tmp_path / "metadata.xml"
    metadata_file.write_text(idp.metadata())
    done = aws_cli("iam", "create-saml-provider", "--name", name, "--saml-metadata-document", f"file://{metadata_file}",
                   "--output", "json")
    assert done.returncode == 0, done.stderr
    provider_arn = json.loads(done.stdout)["SAMLProviderArn"]
    listed = aws_cli("iam", "list-saml-providers", "--output", "json")
    assert provider_arn in [p["Arn"] for p in json.loads(listed.stdout)["SAMLProviderList"]]
    idp.provider_arn = provider_arn
    role_arn, role_name = saml_role(iam, idp)
    assertion = b64(idp.sign(idp.response_xml(role_arn, provider_arn, session_name="cli-user")))
    done = aws_cli("sts", "assume-role-with-saml", "--role-arn", role_arn, "--principal-arn", provider_arn,
                   "--saml-assertion", assertion, "--output", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/cli-user"
    again = aws_cli("sts", "assume-role-with-saml", "--role-arn", role_arn, "--principal-arn", provider_arn,
                    "--saml-assertion", assertion, "--output", "json")
    assert again.returncode != 0 and "InvalidIdentityToken" in again.stderr
    deleted = aws_cli("iam", "delete-saml-provider", "--saml-provider-arn", provider_arn)
    assert deleted.returncode == 0, deleted.stderr
    missing = aws_cli("iam", "get-saml-provider", "--saml-provider-arn", provider_arn)
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr


def test_principal_tag_attributes_become_session_tags_when_the_trust_policy_allows_tag_session(server, iam, idp):
    tag = """
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:dept">
        <saml:AttributeValue>research</saml:AttributeValue>
      </saml:Attribute>"""
    untaggable_arn, _ = saml_role(iam, idp)
    signed = idp.sign(idp.response_xml(untaggable_arn, idp.provider_arn, extra_attributes=tag))
    assert refuse(server, "AccessDenied", untaggable_arn, idp.provider_arn, signed) == \
        "Not authorized to perform sts:TagSession"
    statement = {"Effect": "Allow", "Principal": {"Federated": idp.provider_arn},
                 "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                 "Condition": {"StringEquals": {"aws:RequestTag/dept": "research"}}}
    name = unique("samltags")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc({"Version": "2012-10-17", "Statement": [statement]}))
    role_arn = arn("role", name)
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, extra_attributes=tag))
    result = sts_client(server).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn,
                                                      SAMLAssertion=b64(signed))
    assert result["PackedPolicySize"] >= 0
    other = tag.replace("research", "sales")
    signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn, extra_attributes=other))
    refuse(server, "AccessDenied", role_arn, idp.provider_arn, signed)


def test_the_trail_records_the_call_as_a_saml_user_without_the_assertion(server, iam, idp):
    role_arn, _ = saml_role(iam, idp)
    signed = b64(idp.sign(idp.response_xml(role_arn, idp.provider_arn)))
    sts_client(server).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn, SAMLAssertion=signed)
    trail = boto_session().client("cloudtrail", endpoint_url=server.endpoint, region_name=REGION,
                                  aws_access_key_id=ROOT_ACCESS_KEY_ID, aws_secret_access_key=ROOT_SECRET_ACCESS_KEY)
    records = []
    for _ in range(20):  # the trail is written asynchronously
        events = trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "AssumeRoleWithSAML"}])["Events"]
        records = [json.loads(e["CloudTrailEvent"]) for e in events]
        if any(r["userIdentity"]["type"] == "SAMLUser" for r in records):
            break
        time.sleep(0.25)
    assert any(r["userIdentity"]["type"] == "SAMLUser" for r in records), [r["userIdentity"] for r in records]
    assert all(signed not in json.dumps(r) for r in records)


def test_a_saml_provider_survives_a_restart_and_still_verifies(server_factory):
    from portcullis_e2e import make_iam_client

    own = server_factory("saml-restart").start()
    try:
        iam = make_iam_client(own.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
        idp = IdP("https://restart.example.com/saml")
        idp.name = unique("saml")
        idp.provider_arn = iam.create_saml_provider(Name=idp.name, SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
        role_arn, _ = saml_role(iam, idp)
        own.restart()
        assert iam.get_saml_provider(SAMLProviderArn=idp.provider_arn)["SAMLMetadataDocument"] == idp.metadata()
        signed = idp.sign(idp.response_xml(role_arn, idp.provider_arn))
        result = sts_client(own).assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.provider_arn,
                                                       SAMLAssertion=b64(signed))
        assert result["Issuer"] == idp.entity_id
    finally:
        own.stop()
