package ai.synth.lm.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate and its key, made on this machine by the JDK's {@code keytool}, for a
 * {@link LocalBackend} that serves {@code https}. {@link #clientContext()} trusts exactly this certificate, so a test
 * can point a client at the backend without touching the JDK's trust store. Certificates are made once per set of
 * names and JVM (making one takes about a second) and never leave memory. Thread-safe and immutable.
 *
 * <pre>{@code
 * TlsCertificate certificate = TlsCertificate.forLoopback();
 * try (LocalBackend backend = LocalBackend.builder().tls(certificate).build().start()) {
 *     SynthConfig config = SynthConfig.builder().baseUrl(backend.baseUrl())          // https://127.0.0.1:port
 *             .apiKey("sk-test").sslContext(certificate.clientContext()).build();
 * }
 * }</pre>
 */
public final class TlsCertificate {

    private static final char[] PASSWORD = "synth-lm-local".toCharArray();
    private static final Map<List<String>, TlsCertificate> MADE = new ConcurrentHashMap<>();

    private final List<String> names;
    private final KeyStore keys;
    private final X509Certificate certificate;

    private TlsCertificate(List<String> names, KeyStore keys) throws GeneralSecurityException {
        this.names = names;
        this.keys = keys;
        this.certificate = (X509Certificate) keys.getCertificate("local");
    }

    /**
     * A certificate for {@code 127.0.0.1} and {@code localhost}, the names a local backend is reached by.
     *
     * @return the certificate, made on first use
     * @throws UncheckedIOException if {@code keytool} cannot make it
     */
    public static TlsCertificate forLoopback() {
        return forNames("127.0.0.1", "localhost");
    }

    /**
     * A certificate whose subject alternative names are exactly {@code names}: IP literals become IP entries,
     * others DNS entries. A certificate for other names than the URL's host makes clients refuse it, which is how
     * tests check hostname verification.
     *
     * @param names one or more host names or IP literals
     * @return the certificate, made on first use
     * @throws IllegalArgumentException if no name is given or a name holds characters keytool would misread
     * @throws UncheckedIOException if {@code keytool} cannot make it
     */
    public static TlsCertificate forNames(String... names) {
        List<String> list = List.of(names);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
        for (String name : list) {
            if (!name.matches("[A-Za-z0-9.:-]+")) {
                throw new IllegalArgumentException("not a host name or IP literal: '" + name + "'");
            }
        }
        return MADE.computeIfAbsent(list, TlsCertificate::make);
    }

    /** The names the certificate is valid for. */
    public List<String> names() {
        return names;
    }

    /** The certificate itself, e.g. to add to a trust store. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A new client context that trusts this certificate and nothing else.
     *
     * @return an initialised TLS context
     */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("local", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting the local certificate", e);
        }
    }

    /**
     * A new server context presenting this certificate, for a test server of its own.
     *
     * @return an initialised TLS context
     */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context from the local certificate", e);
        }
    }

    @Override
    public String toString() {
        return "TlsCertificate" + names;
    }

    private static TlsCertificate make(List<String> names) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("synth-lm-tls");
            Path store = dir.resolve("local.p12");
            List<String> san = new ArrayList<>();
            for (String name : names) {
                san.add((name.matches("[0-9.]+") || name.contains(":") ? "ip:" : "dns:") + name);
            }
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "local", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + names.get(0),
                    "-ext", "SAN=" + String.join(",", san), "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8).strip());
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD);
            }
            return new TlsCertificate(names, keys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a self-signed certificate for " + names, e);
        } catch (GeneralSecurityException e) {
            throw new UncheckedIOException(new IOException("cannot read the certificate made for " + names, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while making a certificate", e));
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp dir left behind holds nothing secret: the key is also only for tests
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsCertificate that && names.equals(that.names)
                && Objects.equals(certificate, that.certificate);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }
}
