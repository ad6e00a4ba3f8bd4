package dev.synod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code synod reset ATOM VALUE}: sets an atom to a JSON value, whatever it was, as long as the
 * value keeps its JSON kind (a number stays a number, an integer an integer, an object an object):
 * other clients decode the atom with a codec typed for what it held, and a value of another kind
 * would fail there (or, an integer turned decimal, be truncated). A number is written in the
 * atom's kind: {@code 6.0} for an integer atom is written as {@code 6}, {@code 3} for a decimal
 * atom as {@code 3.0}. A number must also be in range for typed clients: a 64-bit integer for an
 * integer atom, a finite, non-vanishing {@code double} for a decimal one. {@code --force} allows a change of kind and writes the value as given.
 */
@Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        description = "Set an atom to a JSON value, whatever it holds now, keeping its JSON kind"
                + " (number, integer, string, boolean, array, object) unless --force.")
final class ResetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print the old and new value as a JSON object")
    boolean json;

    @Option(
            names = "--force",
            description = "allow a value of another JSON kind than the atom holds (clients reading the atom as"
                    + " the old kind will fail to decode it)")
    boolean force;

    @Parameters(index = "0", paramLabel = "ATOM", description = "atom name")
    String name;

    @Parameters(index = "1", paramLabel = "VALUE", description = "the new value as JSON, e.g. 0, '\"text\"', '[1,2]'")
    String value;

    @Override
    public Integer call() {
        String canonical = Cells.validName(name);
        JsonNode v = Json.parseArgument("VALUE", value);
        return AtomEdit.apply(ensemble, canonical, json, spec.commandLine().getOut(), old -> {
            if (force) {
                return v;
            }
            checkSameKind(canonical, old, v);
            checkRange(canonical, old, v);
            return inKindOf(old, v);
        });
    }

    /**
     * {@code now} written as a number of the atom's kind: a whole decimal ({@code 3.0}) as an
     * integer for an integer atom, an integer ({@code 3}) as a decimal ({@code 3.0}) for a decimal
     * atom. So an atom keeps its kind across resets: a decimal atom set to 3 still takes 2.5 next,
     * and an integer atom set to 3.0 still refuses 2.5.
     */
    static JsonNode inKindOf(JsonNode old, JsonNode now) {
        if (!old.isNumber() || !now.isNumber()) {
            return now;
        }
        if (old.isIntegralNumber() && !now.isIntegralNumber()) {
            return LongNode.valueOf(now.decimalValue().longValueExact()); // checked whole, and in range
        }
        if (!old.isIntegralNumber() && now.isIntegralNumber()) {
            return DecimalNode.valueOf(new BigDecimal(now.bigIntegerValue()).setScale(1));
        }
        return now;
    }

    private static final BigDecimal LARGEST_DOUBLE = new BigDecimal(Double.MAX_VALUE);
    private static final BigDecimal SMALLEST_DOUBLE = new BigDecimal(Double.MIN_VALUE);

    /**
     * Refuses (exit 2) a number typed clients of the atom could not read: an integer atom takes
     * whole numbers that fit a 64-bit integer (as {@code swap --add} keeps it), a decimal atom
     * numbers a 64-bit floating point number holds without turning them into infinity or zero.
     * Checked on the exponent before any digit is expanded, so {@code 1e999999999} is refused at
     * once.
     */
    static void checkRange(String name, JsonNode old, JsonNode now) {
        if (!old.isNumber() || !now.isNumber()) {
            return;
        }
        BigDecimal d = now.decimalValue().stripTrailingZeros();
        if (old.isIntegralNumber()) {
            if (!Json.fitsLong(d)) { // whole already (checkSameKind)
                throw new Failure(
                        Failure.USAGE,
                        abbreviated(now) + " is past the range of a 64-bit integer: clients that read atom '" + name
                                + "' (an integer, " + Json.compact(old) + ") as a long would fail; pass --force to"
                                + " write it anyway");
            }
        } else if (d.signum() != 0
                && (d.abs().compareTo(LARGEST_DOUBLE) > 0 || d.abs().compareTo(SMALLEST_DOUBLE) < 0)) {
            throw new Failure(
                    Failure.USAGE,
                    abbreviated(now) + " is past the range of a 64-bit floating point number: clients that read atom '"
                            + name + "' (" + Json.compact(old) + ") as a double would read "
                            + (d.abs().compareTo(LARGEST_DOUBLE) > 0 ? "infinity" : "zero")
                            + "; pass --force to write it anyway");
        }
    }

    /** A number for a message, at most about 40 characters long. */
    private static String abbreviated(JsonNode number) {
        String text = number.decimalValue().toString();
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + text.substring(text.length() - 12);
    }

    /** Refuses a value whose JSON kind differs from the atom's (exit 2). */
    static void checkSameKind(String name, JsonNode old, JsonNode now) {
        if (!sameKind(old, now)) {
            String was = kind(old);
            throw new Failure(
                    Failure.USAGE,
                    "atom '" + name + "' holds " + article(was) + " (" + Json.compact(old) + ") and "
                            + Json.compact(now) + " is " + article(kind(now)) + ": clients that read it as "
                            + article(was) + " would fail; pass --force to change its kind");
        }
    }

    /**
     * Whether typed clients of {@code old} can read {@code now}: an integer atom takes whole
     * numbers only (a typed integer client would truncate), a decimal one any number, anything else
     * the same JSON type; an atom holding null (an empty Optional) takes anything.
     */
    private static boolean sameKind(JsonNode old, JsonNode now) {
        if (old.isNull()) {
            return true;
        }
        if (old.isIntegralNumber()) {
            return now.isIntegralNumber() || (now.isNumber() && whole(now));
        }
        if (old.isNumber()) {
            return now.isNumber();
        }
        return old.getNodeType() == now.getNodeType();
    }

    private static boolean whole(JsonNode number) {
        return number.isIntegralNumber()
                || number.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    /** A JSON kind, for messages: integers are told from decimal numbers. */
    private static String kind(JsonNode node) {
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "integer" : "number";
        }
        return switch (node.getNodeType()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String article(String kind) {
        return (kind.startsWith("a") || kind.startsWith("i") || kind.startsWith("o") ? "an " : "a ") + kind;
    }
}
