package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** swap and reset change atoms through the engine; other clients see the change. */
class AtomCommandsTest extends CliTestSupport {
    private static final String NL = System.lineSeparator();

    @Test
    void swapAddsToANumberAndResetSetsAnyValue() {
        String name = unique("counter");
        Atom<Long> counter = stm().atom(name, Codec.json(Long.class), 5L);

        Result add = synodHere("swap", name, "--add", "37");
        assertThat(add.code()).isZero();
        assertThat(add.out()).isEqualTo(name + ": 5 -> 42" + NL);
        Result sub = synodHere("swap", name, "--add", "-2", "--json");
        assertThat(sub.out()).isEqualTo("{\"name\":\"" + name + "\",\"old\":42,\"new\":40}" + NL);
        assertThat(awaitValue(counter, 40L)).isEqualTo(40L);

        Result reset = synodHere("reset", name, "7");
        assertThat(reset.code()).isZero();
        assertThat(reset.out()).isEqualTo(name + ": 40 -> 7" + NL);
        assertThat(awaitValue(counter, 7L)).isEqualTo(7L);
    }

    @Test
    void swapAppendsToArraysAndMergesIntoObjects() {
        String list = unique("list");
        String map = unique("map");
        ZooKeeperStm stm = stm();
        stm.atom(list, Codec.json(List.class), List.of(1));
        stm.atom(map, Codec.json(Map.class), Map.of("a", 1));

        assertThat(synodHere("swap", list, "--append", "{\"x\":2}").out())
                .isEqualTo(list + ": [1] -> [1,{\"x\":2}]" + NL);
        assertThat(synodHere("swap", map, "--merge", "{\"b\":2,\"a\":3}").out())
                .isEqualTo(map + ": {\"a\":1} -> {\"a\":3,\"b\":2}" + NL);
        Result wrongType = synodHere("swap", map, "--add", "1");
        assertThat(wrongType.code()).isEqualTo(2);
        assertThat(wrongType.err())
                .isEqualTo("synod: --add needs a number but atom '" + map + "' holds {\"a\":3,\"b\":2}" + NL);
    }

    @Test
    void addKeepsAnIntegerAtomAnIntegerThatFitsALong() {
        String name = unique("typed");
        Atom<Long> counter = stm().atom(name, Codec.json(Long.class), Long.MAX_VALUE - 1);
        Result decimal = synodHere("swap", name, "--add", "0.5");
        assertThat(decimal.code()).isEqualTo(2);
        assertThat(decimal.err()).contains("into a decimal");
        Result overflow = synodHere("swap", name, "--add", "2");
        assertThat(overflow.code()).isEqualTo(2);
        assertThat(overflow.err()).contains("past the range of a 64-bit integer");
        assertThat(synodHere("swap", name, "--add", "1e999999999").code()).isEqualTo(2);
        assertThat(synodHere("swap", name, "--add", "1.0").code())
                .as("a whole number")
                .isZero();
        assertThat(awaitValue(counter, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void swapAndResetRefuseRefsAndNeedOneChange() {
        String name = unique("ref");
        Ref<Long> ref = stm().ref(name, Codec.json(Long.class), 1L);
        Result r = synodHere("reset", name, "2");
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).contains("it is a ref");
        assertThat(ref.get()).isEqualTo(1L);
        assertThat(synodHere("swap", name).code()).isEqualTo(2);
        assertThat(synodHere("swap", name, "--add", "1", "--append", "2").code())
                .isEqualTo(2);
    }

    @Test
    void resetKeepsTheJsonKindUnlessForced() throws Exception {
        String name = unique("kind");
        Atom<Long> counter = stm().atom(name, Codec.json(Long.class), 5L);
        Result string = synodHere("reset", name, "\"6\"");
        assertThat(string.code()).isEqualTo(2);
        assertThat(string.err())
                .isEqualTo("synod: atom '" + name + "' holds an integer (5) and \"6\" is a string: clients that read"
                        + " it as an integer would fail; pass --force to change its kind" + NL);
        Result decimal = synodHere("reset", name, "6.5");
        assertThat(decimal.code()).isEqualTo(2);
        assertThat(decimal.err()).contains("holds an integer (5) and 6.5 is a number");
        assertThat(synodHere("reset", name, "[6]").code()).isEqualTo(2);
        assertThat(synodHere("reset", name, "6.0").code()).as("a whole number").isZero();
        assertThat(awaitValue(counter, 6L)).isEqualTo(6L);
        assertThat(synodHere("reset", name, "7").code()).isZero();
        assertThat(awaitValue(counter, 7L)).isEqualTo(7L);

        String ratio = unique("ratio");
        Atom<Double> d = stm().atom(ratio, Codec.json(Double.class), 2.0); // stored as 2.0: a decimal
        assertThat(synodHere("reset", ratio, "2.5").code())
                .as("a decimal atom that holds a whole number")
                .isZero();
        assertThat(synodHere("reset", ratio, "3").code())
                .as("a decimal atom takes an integer")
                .isZero();
        assertThat(synodHere("reset", ratio, "true").code()).isEqualTo(2);
        long until = System.nanoTime() + 10_000_000_000L;
        while (d.get() != 3.0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(d.get()).isEqualTo(3.0);
        assertThat(stored(ratio)).as("3 written as a decimal").isEqualTo("3.0");
        assertThat(synodHere("reset", ratio, "0.5").code())
                .as("still a decimal atom after taking an integer")
                .isZero();

        assertThat(synodHere("reset", name, "8.0").code()).isZero();
        assertThat(stored(name)).as("8.0 written as an integer").isEqualTo("8");
        assertThat(synodHere("reset", name, "8.5").code())
                .as("an integer atom set to a whole decimal still refuses fractions")
                .isEqualTo(2);

        String empty = unique("empty");
        stm().atom(empty, Codec.json(JsonNode.class), com.fasterxml.jackson.databind.node.NullNode.getInstance());
        assertThat(synodHere("reset", empty, "[1]").code())
                .as("null has no kind to keep")
                .isZero();
    }

    @Test
    void resetRefusesNumbersTypedClientsCouldNotRead() throws Exception {
        String name = unique("range");
        Atom<Long> counter = stm().atom(name, Codec.json(Long.class), 5L);
        for (String tooBig : List.of("1e19", "99999999999999999999", "-9223372036854775809", "1e400", "1e999999999")) {
            Result refused = synodHere("reset", name, tooBig);
            assertThat(refused.code()).as(tooBig).isEqualTo(2);
            assertThat(refused.err()).as(tooBig).contains("past the range of a 64-bit integer");
        }
        assertThat(synodHere("reset", name, "9223372036854775807").code()).isZero();
        assertThat(awaitValue(counter, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(synodHere("reset", name, "1e18").code()).isZero();
        assertThat(stored(name)).isEqualTo("1000000000000000000");

        String ratio = unique("ratio");
        stm().atom(ratio, Codec.json(Double.class), 0.2);
        Result infinite = synodHere("reset", ratio, "1e400");
        assertThat(infinite.code()).isEqualTo(2);
        assertThat(infinite.err()).contains("would read infinity");
        Result vanishing = synodHere("reset", ratio, "1e-400");
        assertThat(vanishing.code()).isEqualTo(2);
        assertThat(vanishing.err()).contains("would read zero");
        assertThat(synodHere("reset", ratio, "1e300").code()).isZero();
        assertThat(synodHere("reset", ratio, "0.2").code()).isZero();
        assertThat(synodHere("swap", ratio, "--add", "0.1").code()).isZero();
        assertThat(stored(ratio))
                .as("decimal arithmetic, not rounded through a double")
                .isEqualTo("0.3");
    }

    @Test
    void aResetValueMayBeAnyJsonWhenForced() throws Exception {
        String name = unique("doc");
        stm().atom(name, Codec.json(JsonNode.class), Json.MAPPER.readTree("0"));
        Result refused = synodHere("reset", name, "{\"nested\":[true,null,\"s\"]}");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("holds an integer (0)").contains("is an object");
        Result r = synodHere("reset", name, "{\"nested\":[true,null,\"s\"]}", "--json", "--force");
        assertThat(r.code()).isZero();
        assertThat(Json.MAPPER.readTree(r.out()).get("new").toString()).isEqualTo("{\"nested\":[true,null,\"s\"]}");
        Result get = synodHere("get", name, "--json");
        assertThat(Json.MAPPER.readTree(get.out()).get("value").toString()).isEqualTo("{\"nested\":[true,null,\"s\"]}");
    }

    /** The atom's stored JSON, as {@code synod get --json} reads it. */
    private String stored(String name) throws Exception {
        Result get = synodHere("get", name, "--json");
        assertThat(get.code()).isZero();
        return Json.MAPPER.readTree(get.out()).get("value").toString();
    }

    /** Atom reads outside transactions come from the client's cache: give the watch a moment. */
    private static Long awaitValue(Atom<Long> atom, Long expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!atom.get().equals(expected) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return atom.get();
    }
}
