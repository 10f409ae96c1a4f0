package lb.client.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material from PEM files, for the client (gRPC over OkHttp) and the broker's NATS
 * connection: X.509 certificates and unencrypted PKCS#8 private keys ({@code BEGIN PRIVATE KEY};
 * convert others with {@code openssl pkcs8 -topk8 -nocrypt}). Stateless.
 */
public final class Pem {

    private Pem() {
    }

    /**
     * An SSL context trusting the certificates in {@code caFile} (null: the JDK's default
     * trust store) and presenting {@code certFile}/{@code keyFile} when both are given (mutual TLS).
     */
    public static SSLContext sslContext(Path caFile, Path certFile, Path keyFile) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile != null) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caFile)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (certFile != null && keyFile != null) {
                KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
                keys.load(null, null);
                char[] none = new char[0];
                keys.setKeyEntry("client", privateKey(keyFile), none,
                        certificates(certFile).toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, none);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build TLS settings from " + describe(caFile, certFile, keyFile)
                    + ": " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file. */
    public static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            out.addAll(cf.generateCertificates(in));
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate");
        }
        return out;
    }

    /** The unencrypted PKCS#8 private key (RSA or EC) in a PEM file. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int a = pem.indexOf(begin);
        int b = pem.indexOf("-----END PRIVATE KEY-----");
        if (a < 0 || b < a) {
            throw new IOException(file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + ": the key is neither RSA, EC nor Ed25519");
    }

    private static String describe(Path... files) {
        StringBuilder sb = new StringBuilder();
        for (Path p : files) {
            if (p != null) {
                sb.append(sb.isEmpty() ? "" : ", ").append(p);
            }
        }
        return sb.toString();
    }
}
