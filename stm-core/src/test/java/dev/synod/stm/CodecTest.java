package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CodecTest {
    record Member(String name, int age) {}

    @Test
    void jsonRoundTripsPlainGenericAndRecordTypes() {
        Codec<Map<String, List<Long>>> generic = Codec.json(new TypeReference<>() {});
        Map<String, List<Long>> value = Map.of("a", List.of(1L, 2L));
        assertThat(generic.decode(generic.encode(value))).isEqualTo(value);
        Codec<Member> record = Codec.json(Member.class);
        assertThat(new String(record.encode(new Member("ann", 3)), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"ann\",\"age\":3}");
        assertThat(record.decode(record.encode(new Member("ann", 3)))).isEqualTo(new Member("ann", 3));
        ObjectMapper mine = new ObjectMapper();
        Codec<Member> custom = Codec.json(mine, mine.constructType(Member.class));
        assertThat(custom.decode(custom.encode(new Member("bob", 4)))).isEqualTo(new Member("bob", 4));
    }

    @Test
    void decodingRejectsGarbageNullAndTrailingTokens() {
        Codec<Long> longs = Codec.json(Long.class);
        assertThatThrownBy(() -> longs.decode("nope".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("cannot decode JSON");
        assertThatThrownBy(() -> longs.decode("null".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON null");
        assertThatThrownBy(() -> longs.decode("1 2".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("cannot decode JSON");
    }

    @Test
    void equalCodecsReopenTheSameRef() {
        assertThat(Codec.json(Long.class)).isEqualTo(Codec.json(Long.class));
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> first = stm.ref("r", Codec.json(Long.class), 1L);
            assertThat(stm.ref("r", Codec.json(Long.class))).isSameAs(first);
            assertThatThrownBy(() -> stm.ref("r", Codec.json(Integer.class)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already open with");
        }
    }

    @Test
    void whatThisProcessCommittedIsNotDecodedAgain() {
        AtomicInteger decodes = new AtomicInteger();
        Codec<Long> json = Codec.json(Long.class);
        Codec<Long> counting = new Codec<>() {
            @Override
            public byte[] encode(Long value) {
                return json.encode(value);
            }

            @Override
            public Long decode(byte[] bytes) {
                decodes.incrementAndGet();
                return json.decode(bytes);
            }
        };
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", counting, 0L);
            Ref<Long> b = stm.ref("b", counting, 0L);
            stm.run(txn -> {
                a.alter(v -> v + 1);
                b.alter(v -> v + 1);
            });
            int before = decodes.get();
            for (int i = 0; i < 10; i++) {
                stm.run(txn -> {
                    a.alter(v -> v + 1);
                    b.alter(v -> v + 1);
                });
            }
            long sum = stm.atomically(txn -> a.get() + b.get());
            assertThat(sum).isEqualTo(22L);
            assertThat(a.get()).isEqualTo(11L);
            // each commit keeps the states it wrote, decoded: no transaction decodes them again
            assertThat(decodes.get()).isEqualTo(before);
        }
    }

    @Test
    void theFactoriesNameANullArgument() {
        assertThatThrownBy(() -> Codec.json((Class<Long>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("type");
        assertThatThrownBy(() -> Codec.json((TypeReference<Long>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("type");
        assertThatThrownBy(() -> Codec.json(null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("mapper");
    }
}
