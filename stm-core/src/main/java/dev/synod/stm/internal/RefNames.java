package dev.synod.stm.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/** Validates and normalises ref and atom names (see {@code Stm}'s class comment for the rules). */
public final class RefNames {
    public static final int MAX_LENGTH = 400;
    public static final int MAX_SEGMENT = 100;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_SEGMENT + "}");

    private RefNames() {}

    /**
     * Returns the canonical name (without a leading slash).
     *
     * @throws IllegalArgumentException naming the problem
     * @throws NullPointerException if name is null
     */
    public static String validate(String name) {
        Objects.requireNonNull(name, "name must not be null");
        String n = name.startsWith("/") ? name.substring(1) : name;
        if (n.isEmpty()) {
            throw new IllegalArgumentException("invalid name '" + name + "': must not be empty");
        }
        if (n.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "invalid name (" + n.length() + " characters): at most " + MAX_LENGTH + " are allowed");
        }
        for (String segment : n.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid name '" + name + "': segment '" + segment
                        + "' must be 1 to " + MAX_SEGMENT + " characters of [A-Za-z0-9._-], not '.' or '..'"
                        + " (segments are separated by single '/')");
            }
        }
        return n;
    }
}
