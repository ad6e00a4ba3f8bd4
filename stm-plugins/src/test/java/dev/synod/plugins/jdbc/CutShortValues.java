package dev.synod.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StateStoreException;
import javax.sql.DataSource;

/** The check that a value column cutting values short never leaves a cut value stored. */
final class CutShortValues {
    private CutShortValues() {}

    /**
     * Over tables {@code versions} and {@code values} (made by {@code init()} unless they exist):
     * a value stored, then {@code startCutting} makes the columns keep at most {@code limit}
     * bytes (or they do already); a longer value is refused with a message naming the container
     * and {@code LONGBLOB}, and nothing of it is stored, while values that fit still are.
     */
    static void assertNeverStored(DataSource db, String versions, String values, int limit, Runnable startCutting) {
        JdbcVersionedStateContainer<String> versioned = JdbcVersionedStateContainer.builder(db, "big", String.class)
                .table(versions)
                .build();
        JdbcStateContainer<String> plain = JdbcStateContainer.builder(db, "big", String.class)
                .table(values)
                .build();
        versioned.init();
        plain.init();
        String small = "s".repeat(1000);
        plain.set(small);
        startCutting.run();

        String big = "b".repeat(limit + 1);
        assertThatThrownBy(() -> versioned.setAt(big, "v1"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining(versioned.describe())
                .hasMessageContaining("LONGBLOB");
        assertThat(versioned.getAt("v1")).isEmpty();
        assertThat(versioned.versions()).isEmpty();
        assertThatThrownBy(() -> plain.set(big)).isInstanceOf(StateStoreException.class);
        assertThat(plain.get()).isEqualTo(small); // the update was rolled back
        versioned.setAt(small, "v2"); // values that fit are still stored
        assertThat(versioned.getAt("v2")).contains(small);

        JdbcStateContainer<String> fresh = JdbcStateContainer.builder(db, "fresh", String.class)
                .table(values)
                .build();
        assertThatThrownBy(() -> fresh.set(big)).isInstanceOf(StateStoreException.class);
        assertThatThrownBy(fresh::get).isInstanceOf(NoSuchRefException.class); // the insert was rolled back
    }
}
