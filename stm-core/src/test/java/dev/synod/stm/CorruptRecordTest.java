package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.CommitRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bytes written by someone other than Synod give a clear error naming the ref. */
class CorruptRecordTest {
    @Test
    void garbageInACellIsReportedWithItsName() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Ref<Long> r = stm.ref("victim", Codec.json(Long.class), 1L);
            Ref<Long> other = stm.ref("other", Codec.json(Long.class), 1L);
            coordinator.commit(new CommitRequest(
                    List.of(),
                    List.of(new CommitRequest.Write(
                            "victim", CommitRequest.ANY_VERSION, "garbage!".getBytes(StandardCharsets.UTF_8))),
                    List.of()));
            assertThatThrownBy(r::get)
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("in-memory:victim")
                    .hasMessageContaining("not a Synod record");
            assertThatThrownBy(() -> stm.run(txn -> r.alter(x -> x + 1))).isInstanceOf(CorruptRecordException.class);
            stm.run(txn -> other.alter(x -> x + 1)); // the rest keeps working
            assertThat(other.get()).isEqualTo(2L);
        }
    }

    @Test
    void aValueTheCodecCannotReadIsCorruptToo() {
        try (Stm stm = Stm.inMemory()) {
            stm.ref("n", Codec.json(String.class), "not a number");
            Stm same = stm;
            assertThatThrownBy(() -> same.ref("n", Codec.json(Long.class)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already open with");
        }
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm writer = Stm.create(coordinator, TxnOptions.defaults());
                Stm reader = Stm.create(coordinator, TxnOptions.defaults())) {
            writer.ref("n", Codec.json(String.class), "not a number");
            assertThatThrownBy(() -> reader.ref("n", Codec.json(Long.class)))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("cannot decode the value of 'n'");
        }
    }
}
