package dev.bulwark.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Picks the keys that may have signed a token and checks the signature.
 *
 * <p>A key is a candidate only when its type fits the header's algorithm (RSA for RS/PS, EC on the
 * algorithm's curve for ES, Ed25519 for EdDSA), it is not marked for encryption, and its own
 * {@code alg}, when set, is the header's. Symmetric keys never get here (the loader drops them) and
 * HMAC algorithms are never allowed, so the RSA-public-key-as-HMAC-secret confusion cannot arise.
 * Header parameters that point at keys ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are ignored.
 *
 * <p>Ed25519 uses the JDK's provider (nimbus's own verifier needs Tink, which we do not ship).
 */
final class Signatures {
    static final int MIN_RSA_BITS = 2048;
    // SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Signatures() {}

    /** The keys in {@code keys} that could have signed a token with this header: by kid when it has one. */
    static List<JWK> candidates(JWKSet keys, JWSHeader header) {
        String keyId = header.getKeyID();
        JWSAlgorithm algorithm = header.getAlgorithm();
        return keys.getKeys().stream()
                .filter(key -> keyId == null || keyId.equals(key.getKeyID()))
                .filter(key -> fits(key, algorithm))
                .toList();
    }

    static boolean fits(JWK key, JWSAlgorithm algorithm) {
        if (KeyUse.ENCRYPTION.equals(key.getKeyUse())) {
            return false;
        }
        Set<KeyOperation> operations = key.getKeyOperations();
        if (operations != null && !operations.contains(KeyOperation.VERIFY)) {
            return false;
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(algorithm.getName())) {
            return false;
        }
        if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
            return key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
        }
        if (JWSAlgorithm.Family.EC.contains(algorithm)) {
            return key instanceof ECKey ec && Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve());
        }
        if (JWSAlgorithm.EdDSA.equals(algorithm)) {
            return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
        }
        return false;
    }

    /** Whether {@code key} (a candidate for the token's header) verifies the token's signature. */
    static boolean verify(SignedJWT token, JWK key) {
        JWSHeader header = token.getHeader();
        try {
            return switch (key) {
                case RSAKey rsa -> token.verify(new RSASSAVerifier(rsa));
                case ECKey ec -> token.verify(new ECDSAVerifier(ec));
                case OctetKeyPair okp -> header.getCriticalParams() == null
                        && verifyEd25519(okp, token.getSigningInput(), token.getSignature().decode());
                default -> false;
            };
        } catch (JOSEException | GeneralSecurityException | IllegalStateException broken) {
            return false;
        }
    }

    private static boolean verifyEd25519(OctetKeyPair key, byte[] signingInput, byte[] signature)
            throws GeneralSecurityException {
        byte[] raw = key.getDecodedX();
        if (raw.length != 32 || signature.length != 64) {
            return false;
        }
        byte[] encoded = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, encoded, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, encoded, ED25519_SPKI_PREFIX.length, raw.length);
        PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(signingInput);
        return verifier.verify(signature);
    }
}
