package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.RecordView;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordViewTest {
    @Test
    void showsValueWriterAndHistoryOfARef() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Ref<Long> r = stm.ref("r", Codec.json(Long.class), 1L);
            stm.run(txn -> r.set(2L));
            RecordView view = RecordView.parse("r", coordinator.current("r").data());
            assertThat(view.atom()).isFalse();
            assertThat(view.external()).isFalse();
            assertThat(new String(view.value(), StandardCharsets.UTF_8)).isEqualTo("2");
            assertThat(view.writer()).hasSize(32);
            assertThat(view.history()).hasSize(1);
            assertThat(new String(view.history().get(0).value(), StandardCharsets.UTF_8))
                    .isEqualTo("1");
            stm.atom("a", Codec.json(Long.class), 5L);
            assertThat(RecordView.parse("a", coordinator.current("a").data()).atom())
                    .isTrue();
            assertThatThrownBy(() -> RecordView.parse("x", new byte[] {1, 2, 3}))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("'x'");
        }
    }

    @Test
    void nullOrEmptyBytesAreRefusedClearly() {
        assertThatThrownBy(() -> RecordView.parse("/x", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("bytes");
        assertThatThrownBy(() -> RecordView.parse("/x", new byte[0]))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("/x");
    }
}
