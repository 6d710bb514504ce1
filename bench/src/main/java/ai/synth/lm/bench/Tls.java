package ai.synth.lm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * The run's certificate: a self-signed EC key pair for 127.0.0.1 and localhost made with the JDK's keytool, written
 * as PEM for nginx ({@code cert.pem}, {@code key.pem}) and as a PKCS12 trust store holding only that certificate
 * ({@code trust.p12}, password {@value #PASSWORD}), which every client's JVM is given as its trust store. The key
 * lives two days and only for this run's directory.
 */
final class Tls {

    /** The password of the run's throwaway stores (they hold nothing else). */
    static final String PASSWORD = "synth-lm-bench";

    private Tls() {}

    static void write(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path keys = dir.resolve("server.p12");
        Files.deleteIfExists(keys);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool could not make the run's certificate: " + out);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = store.getCertificate("server");
        Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY",
                store.getKey("server", PASSWORD.toCharArray()).getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        try (OutputStream o = Files.newOutputStream(dir.resolve("trust.p12"))) {
            trust.store(o, PASSWORD.toCharArray());
        }
        Files.delete(keys);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
