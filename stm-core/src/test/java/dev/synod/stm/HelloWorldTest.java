package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Avout's hello world in Java: two refs altered together. */
class HelloWorldTest {
    @Test
    void altersTwoRefsTogether() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Integer> r0 = stm.ref("r0", Codec.json(Integer.class), 0);
            Ref<List<Integer>> r1 = stm.ref("r1", Codec.json(new TypeReference<List<Integer>>() {}), List.of());
            stm.run(txn -> {
                r0.alter(x -> x + 1);
                r1.alter(list -> append(list, r0.get()));
            });
            assertThat(r0.get()).isEqualTo(1);
            assertThat(r1.get()).containsExactly(1);
            stm.run(txn -> {
                r0.set(0);
                r1.set(List.of());
            });
            assertThat(r0.get()).isZero();
            assertThat(r1.get()).isEmpty();
            assertThat(stm.metrics().writeCommits()).isEqualTo(2);
        }
    }

    static <T> List<T> append(List<T> list, T value) {
        List<T> out = new ArrayList<>(list);
        out.add(value);
        return List.copyOf(out);
    }
}
