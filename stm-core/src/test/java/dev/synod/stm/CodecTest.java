package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
}
