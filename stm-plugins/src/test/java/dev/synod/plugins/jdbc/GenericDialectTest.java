package dev.synod.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.plugins.TestStores;
import dev.synod.stm.Ref;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.Stm;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The GENERIC dialect (any database but PostgreSQL and H2: an update, else an insert) keeps "last
 * write wins" when two writers create a row at once, and never stores a value the column cut
 * short. Runs on H2 presenting itself under another product name, see {@link GenericSqlDatabase}.
 */
class GenericDialectTest {
    private static final int BLOB_LIMIT = 65_535; // MySQL's and MariaDB's BLOB

    @Test
    void twoWritersCreatingTheRowAtOnceBothSucceed() {
        GenericSqlDatabase db = database().holdingInsertsUntil(2);
        String table = TestStores.uniqueTable("synod_generic");
        JdbcStateContainer<String> first = JdbcStateContainer.builder(db, "race", String.class)
                .table(table)
                .build();
        JdbcStateContainer<String> second = JdbcStateContainer.builder(db, "race", String.class)
                .table(table)
                .build();
        first.init();
        // both update nothing, then both insert: one of the inserts meets the other's row
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> first.set("first"));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> second.set("second"));
        CompletableFuture.allOf(a, b).join();
        assertThat(first.get()).isIn("first", "second");
        assertThat(second.get()).isEqualTo(first.get());
        first.set("third");
        assertThat(second.get()).isEqualTo("third");
    }

    @Test
    void aValueTheColumnTruncatesIsRefusedAndNothingIsStored() {
        GenericSqlDatabase db = database();
        String table = TestStores.uniqueTable("synod_generic");
        CutShortValues.assertNeverStored(db, table, table + "_s", BLOB_LIMIT, () -> db.truncatingValuesTo(BLOB_LIMIT));
    }

    @Test
    void aRefWhoseValueTheColumnTruncatesKeepsItsValue() {
        GenericSqlDatabase db = database();
        JdbcVersionedStateContainer<String> container = JdbcVersionedStateContainer.builder(db, "ref", String.class)
                .table(TestStores.uniqueTable("synod_generic"))
                .build();
        try (Stm stm = Stm.inMemory()) {
            Ref<String> ref = stm.ref("generic/ref", container, "small");
            db.truncatingValuesTo(BLOB_LIMIT);
            assertThatThrownBy(() -> stm.run(txn -> ref.set("b".repeat(BLOB_LIMIT + 1))))
                    .isInstanceOf(StateStoreException.class);
            assertThat(ref.get()).isEqualTo("small");
        }
    }

    private static GenericSqlDatabase database() {
        return new GenericSqlDatabase(TestStores.h2("generic-" + UUID.randomUUID()));
    }
}
