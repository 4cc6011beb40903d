"""Asymmetric and HMAC keys, checked against OpenSSL: a release team signs artifacts with KMS and
anyone verifies them with `openssl` and the key's public half; a partner encrypts to an RSA key with
openssl and only KMS decrypts; services compute and verify HMACs; data key pairs come wrapped."""
import hashlib
import os
import subprocess
import tempfile
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class SigningAndMacs(CitadelTestCase):
    def setUp(self):
        self.kms = self.server.client("kms")
        self.work = tempfile.mkdtemp()

    def path(self, name, data=None):
        p = os.path.join(self.work, name)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        return p

    def public_pem(self, key_id):
        der = self.kms.get_public_key(KeyId=key_id)["PublicKey"]
        pem = self.path("pub.pem")
        subprocess.run(["openssl", "pkey", "-pubin", "-inform", "DER", "-in", self.path("pub.der", der), "-out", pem], check=True)
        return pem

    def openssl(self, *args):
        return subprocess.run(["openssl", *args], capture_output=True, text=True)

    def error(self, fn, code, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, 400)

    def test_ecdsa_signatures_verify_with_openssl(self):
        for spec, alg, md in (("ECC_NIST_P256", "ECDSA_SHA_256", "-sha256"), ("ECC_NIST_P384", "ECDSA_SHA_384", "-sha384"),
                              ("ECC_NIST_P521", "ECDSA_SHA_512", "-sha512"), ("ECC_SECG_P256K1", "ECDSA_SHA_256", "-sha256")):
            with self.subTest(spec=spec):
                key = self.kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
                self.assertEqual(key["SigningAlgorithms"], [alg])
                artifact = b"release-1.2.3.tar.gz contents"
                sig = self.kms.sign(KeyId=key["KeyId"], Message=artifact, MessageType="RAW", SigningAlgorithm=alg)["Signature"]
                pem = self.public_pem(key["KeyId"])
                out = self.openssl("dgst", md, "-verify", pem, "-signature", self.path("sig", sig), self.path("msg", artifact))
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertIn("Verified OK", out.stdout)
                self.assertTrue(self.kms.verify(KeyId=key["KeyId"], Message=artifact, Signature=sig, SigningAlgorithm=alg)["SignatureValid"])
                self.error(self.kms.verify, "KMSInvalidSignatureException", KeyId=key["KeyId"], Message=b"other", Signature=sig,
                           SigningAlgorithm=alg)

    def test_rsa_pss_and_pkcs1_signatures_verify_with_openssl(self):
        key = self.kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        pem = self.public_pem(key["Arn"])
        message = b"contract v7"
        msg = self.path("msg", message)
        sig = self.kms.sign(KeyId=key["KeyId"], Message=message, SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
        out = self.openssl("dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1", "-verify", pem,
                           "-signature", self.path("pss.sig", sig), msg)
        self.assertEqual(out.returncode, 0, out.stderr)
        # A digest signed by KMS (MessageType DIGEST) and checked by openssl pkeyutl.
        digest = hashlib.sha384(message).digest()
        sig = self.kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                            SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_384")["Signature"]
        out = self.openssl("pkeyutl", "-verify", "-pubin", "-inkey", pem, "-in", self.path("digest", digest),
                           "-sigfile", self.path("pkcs1.sig", sig), "-pkeyopt", "digest:sha384")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Signature Verified Successfully", out.stdout)
        self.assertTrue(self.kms.verify(KeyId=key["KeyId"], Message=message, Signature=sig,
                                        SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_384")["SignatureValid"])
        self.error(self.kms.sign, "ValidationException", KeyId=key["KeyId"], Message=b"short", MessageType="DIGEST",
                   SigningAlgorithm="RSASSA_PSS_SHA_256")
        self.error(self.kms.sign, "InvalidKeyUsageException", KeyId=key["KeyId"], Message=b"x", SigningAlgorithm="ECDSA_SHA_256")
        self.error(self.kms.encrypt, "InvalidKeyUsageException", KeyId=key["KeyId"], Plaintext=b"x")

    def test_openssl_encrypts_to_an_rsa_key_and_kms_decrypts(self):
        key = self.kms.create_key(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        self.assertEqual(key["EncryptionAlgorithms"], ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        pem = self.public_pem(key["KeyId"])
        out = self.openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", pem, "-in", self.path("pt", b"partner secret"),
                           "-out", self.path("ct"), "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256",
                           "-pkeyopt", "rsa_mgf1_md:sha256")
        self.assertEqual(out.returncode, 0, out.stderr)
        with open(self.path("ct"), "rb") as f:
            ct = f.read()
        got = self.kms.decrypt(CiphertextBlob=ct, KeyId=key["KeyId"], EncryptionAlgorithm="RSAES_OAEP_SHA_256")
        self.assertEqual(got["Plaintext"], b"partner secret")
        self.error(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=ct, KeyId=key["KeyId"],
                   EncryptionAlgorithm="RSAES_OAEP_SHA_1")
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, KeyId=key["KeyId"], EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"], b"x")
        self.error(self.kms.get_public_key, "UnsupportedOperationException", KeyId=self.kms.create_key()["KeyMetadata"]["KeyId"])

    def test_hmac_keys_generate_and_verify_macs(self):
        for spec, alg in (("HMAC_224", "HMAC_SHA_224"), ("HMAC_256", "HMAC_SHA_256"), ("HMAC_384", "HMAC_SHA_384"),
                          ("HMAC_512", "HMAC_SHA_512")):
            with self.subTest(spec=spec):
                key = self.kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
                self.assertEqual(key["MacAlgorithms"], [alg])
                mac = self.kms.generate_mac(KeyId=key["KeyId"], Message=b"webhook body", MacAlgorithm=alg)["Mac"]
                self.assertEqual(len(mac), int(alg.rsplit("_", 1)[1]) // 8)
                self.assertTrue(self.kms.verify_mac(KeyId=key["KeyId"], Message=b"webhook body", MacAlgorithm=alg, Mac=mac)["MacValid"])
                self.error(self.kms.verify_mac, "KMSInvalidMacException", KeyId=key["KeyId"], Message=b"forged", MacAlgorithm=alg, Mac=mac)
        self.error(self.kms.generate_mac, "InvalidKeyUsageException", KeyId=key["KeyId"], Message=b"x", MacAlgorithm="HMAC_SHA_256")
        rc, out, err = self.server.aws_v1("kms", "generate-mac", "--key-id", key["KeyId"], "--message", "aGVsbG8=",
                                          "--mac-algorithm", "HMAC_SHA_512")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["MacAlgorithm"], "HMAC_SHA_512")

    def test_data_key_pairs_come_wrapped(self):
        wrapping = self.kms.create_key()["KeyMetadata"]
        pair = self.kms.generate_data_key_pair(KeyId=wrapping["KeyId"], KeyPairSpec="ECC_NIST_P256", EncryptionContext={"app": "iot"})
        unwrapped = self.kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"app": "iot"})["Plaintext"]
        self.assertEqual(unwrapped, pair["PrivateKeyPlaintext"])
        out = subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", self.path("priv.der", unwrapped), "-pubout", "-outform", "DER"],
                             capture_output=True, check=True)
        self.assertEqual(out.stdout, pair["PublicKey"])
        without = self.kms.generate_data_key_pair_without_plaintext(KeyId=wrapping["Arn"], KeyPairSpec="RSA_2048")
        self.assertNotIn("PrivateKeyPlaintext", without)
        self.assertEqual(without["KeyPairSpec"], "RSA_2048")
        self.error(self.kms.generate_data_key_pair, "UnsupportedOperationException", KeyId=wrapping["KeyId"], KeyPairSpec="SM2")


if __name__ == "__main__":
    unittest.main()
