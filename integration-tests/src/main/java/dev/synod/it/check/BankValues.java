package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The op values of the bank workload: {@code transfer} with {@code {"from", "to", "amount"}} and
 * {@code read} with an object of balances by account. A transfer that the system declines (for
 * example for want of funds) must be recorded as {@code fail}.
 */
public final class BankValues {
    /** The function name of a transfer. */
    public static final String TRANSFER = "transfer";
    /** The function name of a read of all balances. */
    public static final String READ = "read";

    private BankValues() {}

    /** A transfer of {@code amount} from one account to another. */
    public static JsonNode transfer(String from, String to, long amount) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("from", from);
        node.put("to", to);
        node.put("amount", amount);
        return node;
    }

    /** The balances of a read. */
    public static JsonNode balances(Map<String, Long> balances) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        balances.forEach(node::put);
        return node;
    }

    static Map<String, Long> parseBalances(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a bank read must be an object of balances but was " + node);
        }
        Map<String, Long> balances = new LinkedHashMap<>();
        node.properties().forEach(e -> balances.put(e.getKey(), e.getValue().asLong()));
        return balances;
    }

    /** A parsed transfer. */
    record Transfer(String from, String to, long amount) {
        static Transfer parse(JsonNode node) {
            if (!node.hasNonNull("from") || !node.hasNonNull("to") || !node.hasNonNull("amount")) {
                throw new IllegalArgumentException("a transfer needs from, to and amount but was " + node);
            }
            return new Transfer(
                    node.get("from").asText(),
                    node.get("to").asText(),
                    node.get("amount").asLong());
        }

        @Override
        public String toString() {
            return from + " -> " + to + ", " + amount;
        }
    }
}
