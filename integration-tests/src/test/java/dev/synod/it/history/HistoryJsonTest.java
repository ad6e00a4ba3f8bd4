package dev.synod.it.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJsonTest {

    private static List<Op> sample() {
        ObjectNode transfer = JsonNodeFactory.instance
                .objectNode()
                .put("from", "a")
                .put("to", "b")
                .put("amount", 5);
        return List.of(
                new Op(0, 1, 2, OpType.INVOKE, "transfer", transfer, 100, Op.NO_END, null),
                new Op(1, 1, 2, OpType.INFO, "transfer", transfer, 100, 250, "connection loss"),
                new Op(2, 2, 0, OpType.FAIL, "add", null, 300, 310, "fenced"));
    }

    @Test
    void writesOneObjectPerLine() {
        assertThat(HistoryJson.toLine(sample().get(1)))
                .isEqualTo("{\"index\":1,\"process\":1,\"thread\":2,\"type\":\"info\",\"f\":\"transfer\","
                        + "\"value\":{\"from\":\"a\",\"to\":\"b\",\"amount\":5},\"start\":100,\"end\":250,"
                        + "\"error\":\"connection loss\"}");
        assertThat(HistoryJson.toLine(sample().get(0))).contains("\"end\":null").doesNotContain("error");
    }

    @Test
    void historyRoundTripsThroughAFile(@TempDir Path dir) {
        Path file = dir.resolve("runs/bank/history.jsonl");

        HistoryJson.write(sample(), file);

        assertThat(HistoryJson.read(file)).isEqualTo(sample());
    }

    @Test
    void malformedLineIsNamed() {
        String text = HistoryJson.toLine(sample().get(0)) + "\n\n{\"index\":1}\n";

        assertThatThrownBy(() -> HistoryJson.read(new StringReader(text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 3: missing field 'process'");
        assertThatThrownBy(() -> HistoryJson.fromLine("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an op must be a JSON object but was [1]");
        assertThatThrownBy(() ->
                        HistoryJson.fromLine(HistoryJson.toLine(sample().get(2)).replace("fail", "done")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("op type must be invoke, ok, fail or info but was done");
    }
}
