package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.internal.InMemoryCoordinator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One commit request per write transaction whatever the number of refs; none for read-only. */
class CommitCostTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void oneRequestPerWriteTransactionAndNoneForReadOnly(int refCount) {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            List<Ref<Long>> refs = new ArrayList<>();
            for (int i = 0; i < refCount; i++) {
                refs.add(stm.ref("r" + i, Codec.json(Long.class), 0L));
            }
            long before = coordinator.commitRequests();
            stm.run(txn -> refs.forEach(r -> r.alter(x -> x + 1)));
            assertThat(coordinator.commitRequests() - before).isEqualTo(1);
            long sum = stm.atomically(txn -> refs.stream().mapToLong(Ref::get).sum());
            assertThat(sum).isEqualTo(refCount);
            assertThat(coordinator.commitRequests() - before).isEqualTo(1);
        }
    }
}
