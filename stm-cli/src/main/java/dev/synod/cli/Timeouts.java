package dev.synod.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations written as {@code 500ms}, {@code 5s}, {@code 2m} or a plain number of seconds. */
final class Timeouts implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");
    /** Longer waits would overflow ZooKeeper's and Curator's int milliseconds. */
    private static final Duration MAX = Duration.ofHours(24);

    @Override
    public Duration convert(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration: write e.g. 500ms, 5s or 2m (a plain number is seconds)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d =
                switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                };
        if (d.isZero()) {
            throw new TypeConversionException("a duration must be positive but was '" + value + "'");
        }
        if (d.compareTo(MAX) > 0) {
            throw new TypeConversionException("a duration must be at most 24 hours but was '" + value + "'");
        }
        return d;
    }

    /** {@code 1500 ms}, {@code 5 s}: how the tool names a duration in messages. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
