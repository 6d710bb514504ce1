package ai.synth.lm.internal;

import ai.synth.lm.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/** Parsing and checking of setting values, with messages that name the variable and what it expects. */
public final class Settings {
    private Settings() {}

    /** The request timeout from a number of seconds (decimals allowed), e.g. {@code "120"} or {@code "60.5"}. */
    public static Duration parseSeconds(String variable, String value) {
        double seconds;
        try {
            seconds = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds > 0 && seconds <= 86_400)) {
            throw new ConfigurationException(variable + "=" + value
                    + " is not a valid timeout: use a number of seconds greater than 0, such as 120 or 60.5");
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    /** A retry count from a whole number 0 to 100. */
    public static int parseRetries(String variable, String value) {
        try {
            int retries = Integer.parseInt(value);
            if (retries >= 0 && retries <= 100) {
                return retries;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new ConfigurationException(variable + "=" + value
                + " is not a valid retry count: use a whole number from 0 to 100, such as 3");
    }

    /** Checks that a base URL is an absolute http or https URL with a host and no query; returns it trimmed. */
    public static String checkUrl(String variable, String value) {
        String url = value.trim();
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() != null) {
                // Never echoed: the user info may hold a password or key.
                throw new ConfigurationException(variable + " must not contain credentials (user:password@):"
                        + " put the key in the API key setting instead");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return url;
            }
        } catch (URISyntaxException ignored) {
            // falls through to the error below
        }
        throw new ConfigurationException(variable + "=" + value
                + " is not a valid base URL: use an http:// or https:// URL such as https://your-synth-url.modal.run");
    }

    /** Checks a timeout given in code. */
    public static Duration checkTimeout(String name, Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + timeout);
        }
        return timeout;
    }

    /** Checks a retry count given in code. */
    public static int checkRetries(int maxRetries) {
        if (maxRetries < 0 || maxRetries > 100) {
            throw new IllegalArgumentException("maxRetries must be from 0 to 100, was " + maxRetries);
        }
        return maxRetries;
    }

    /** Checks an API key: not blank, no line breaks or other control characters (it goes into a header). */
    public static String checkKey(String variable, String key) {
        if (key.isBlank() || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigurationException(variable
                    + " is not a valid API key: it must be one line of text without spaces around it");
        }
        return key.trim();
    }

    /** How a key shows in {@code toString()}: never the key itself. */
    public static String redact(String key) {
        return key == null ? "(unset)" : "****";
    }
}
