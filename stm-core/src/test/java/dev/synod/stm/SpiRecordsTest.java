package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SPI's records refuse nulls at construction and keep copies of what they are given. */
class SpiRecordsTest {
    @Test
    void aCommitRequestRefusesNullsAndCopiesItsLists() {
        assertThatThrownBy(() -> new CommitRequest(null, List.of(), List.of()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CommitRequest(List.of(), Arrays.asList((CommitRequest.Write) null), List.of()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CommitRequest.Write(null, 0, new byte[0]))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CommitRequest.Write("x", 0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CommitRequest.Check(null, 0)).isInstanceOf(NullPointerException.class);
        List<CommitRequest.Write> writes = new ArrayList<>(List.of(new CommitRequest.Write("x", 0, new byte[0])));
        CommitRequest request = new CommitRequest(List.of(), writes, List.of());
        writes.clear();
        assertThat(request.writes()).hasSize(1);
        assertThatThrownBy(() -> request.writes().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void commitResultsRefuseNulls() {
        assertThatThrownBy(() -> new CommitResult.Committed(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CommitResult.Conflict(null, null)).isInstanceOf(NullPointerException.class);
        assertThat(new CommitResult.Committed(1, Map.of()).written()).isEmpty();
        assertThat(new CommitResult.Conflict(Set.of("x"), null).failedGuard()).isNull();
    }
}
