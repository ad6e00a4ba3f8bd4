package dev.synod.plugins.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.synod.stm.Codec;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.StateStoreException;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fields that Synod did not write, left in a document by another client, are a {@link
 * CorruptRecordException} naming the collection and the document's {@code _id}: a version document
 * without a string {@code v}, and a value document whose {@code fence} is not a number (which
 * refused every token). Writing the document again or {@code destroy()} clears it; a closed client
 * stays a {@link StateStoreException}. Runs against an in-process MongoDB wire-protocol server.
 */
class MongoForeignDataIsACorruptRecordTest {
    private static final Codec<String> TEXT = Codec.json(String.class);

    private InProcessMongo mongo;
    private MongoCollection<Document> versions;
    private MongoCollection<Document> values;
    private String name;

    @BeforeEach
    void start() {
        mongo = new InProcessMongo();
        versions = mongo.database("synod").getCollection("versions");
        values = mongo.database("synod").getCollection("values");
        name = "corrupt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() {
        mongo.close();
    }

    @Test
    void aVersionDocumentWithoutItsVersionKeyIsACorruptRecordNamingTheDocument() {
        MongoVersionedStateContainer<String> container = versioned();
        container.setAt("one", "v1");
        container.setAt("two", "v2");
        versions.updateOne(Filters.eq("_id", name + "@v2"), Updates.unset("v"));

        assertThatThrownBy(container::versions)
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("mongo[synod.versions]/" + name)
                .hasMessageContaining("document " + name + "@v2")
                .hasMessageContaining("no string 'v' field");
        assertThat(container.getAt("v2")).contains("two"); // read by _id, which is intact

        container.setAt("two again", "v2"); // a write replaces the whole document
        assertThat(container.versions()).containsExactlyInAnyOrder("v1", "v2");
        assertThat(container.getAt("v2")).contains("two again");
    }

    @Test
    void aVersionKeyOfAnotherTypeIsACorruptRecordSayingWhatWasFound() {
        MongoVersionedStateContainer<String> container = versioned();
        container.setAt("one", "v1");
        versions.updateOne(Filters.eq("_id", name + "@v1"), Updates.set("v", 42));

        assertThatThrownBy(container::versions)
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("document " + name + "@v1 in mongo[synod.versions]/" + name)
                .hasMessageContaining("(found Integer 42)");

        versions.updateOne(Filters.eq("_id", name + "@v1"), Updates.set("v", null));
        assertThatThrownBy(container::versions)
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("(found null)");

        container.destroy(); // deletes the container's documents by 'ref', whatever else they hold
        assertThat(container.versions()).isEmpty();
        assertThat(versions.countDocuments(Filters.eq("ref", name))).isZero();
    }

    @Test
    void aFenceThatIsNotANumberIsACorruptRecordAndTheFencedWriteStoresNothing() {
        MongoStateContainer<String> container = plain();
        assertThat(container.set("first", 5)).isTrue();
        values.updateOne(Filters.eq("_id", name), Updates.set("fence", "garbage"));

        assertThatThrownBy(() -> container.set("second", 7))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("document " + name + " in mongo[synod.values]/" + name)
                .hasMessageContaining("'fence' field that is not a number (found String garbage)");
        assertThat(container.get()).isEqualTo("first");

        container.set("unfenced"); // documented to clear the token
        assertThat(container.set("third", 7)).isTrue();
        assertThat(container.set("stale", 6)).isFalse(); // a real refusal is still a refusal
        assertThat(container.get()).isEqualTo("third");
    }

    @Test
    void aNullFenceIsACorruptRecordAndDestroyClearsIt() {
        MongoStateContainer<String> container = plain();
        container.set("first", 5);
        values.updateOne(Filters.eq("_id", name), Updates.set("fence", null));

        assertThatThrownBy(() -> container.set("second", 7))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("document " + name)
                .hasMessageContaining("(found null)");

        container.destroy();
        assertThat(values.countDocuments(Filters.eq("_id", name))).isZero();
        assertThat(container.set("again", 7)).isTrue();
        assertThat(container.get()).isEqualTo("again");
    }

    @Test
    void aFenceOfAnotherNumericTypeStillCompares() {
        MongoStateContainer<String> container = plain();
        container.set("first", 5);
        Bson asDouble = Updates.set("fence", 5.0);
        values.updateOne(Filters.eq("_id", name), asDouble);
        assertThat(container.set("lower", 4)).isFalse();
        assertThat(container.set("higher", 6)).isTrue();
        assertThat(container.get()).isEqualTo("higher");
    }

    @Test
    void aClosedClientStaysAStoreFailure() {
        MongoVersionedStateContainer<String> container = versioned();
        container.setAt("one", "v1");
        versions.updateOne(Filters.eq("_id", name + "@v1"), Updates.unset("v"));
        mongo.closeClient();
        assertThatThrownBy(container::versions)
                .isExactlyInstanceOf(StateStoreException.class)
                .hasMessageContaining(container.describe());
    }

    private MongoVersionedStateContainer<String> versioned() {
        MongoVersionedStateContainer<String> container =
                MongoVersionedStateContainer.create(mongo.database("synod"), "versions", name, TEXT);
        container.init();
        return container;
    }

    private MongoStateContainer<String> plain() {
        MongoStateContainer<String> container =
                MongoStateContainer.create(mongo.database("synod"), "values", name, TEXT);
        container.init();
        return container;
    }
}
