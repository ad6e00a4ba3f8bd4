package dev.synod.plugins.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.synod.plugins.internal.Timeouts;
import dev.synod.stm.CorruptRecordException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;

/** Document layout shared by the MongoDB containers. */
final class MongoDocs {
    static final String VERSIONS = "synod_versions";
    static final String VALUES = "synod_values";

    private MongoDocs() {}

    static String collection(String collection) {
        Objects.requireNonNull(collection, "collection");
        if (collection.isEmpty() || collection.contains("$") || collection.startsWith("system.")) {
            throw new IllegalArgumentException("invalid MongoDB collection name '" + collection + "'");
        }
        return collection;
    }

    /**
     * The collection, with the driver's operation timeout ({@code timeoutMS}) of {@code db} if it
     * has one, else {@link Timeouts#DEFAULT}: the driver then bounds every operation, network waits
     * included, and throws {@code MongoOperationTimeoutException} on expiry.
     */
    static MongoCollection<Document> bounded(MongoDatabase db, String collection) {
        MongoCollection<Document> docs = db.getCollection(collection);
        return docs.getTimeout(TimeUnit.MILLISECONDS) != null
                ? docs
                : docs.withTimeout(Timeouts.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How failure messages name the collection's timeout. */
    static String limit(MongoCollection<Document> docs) {
        long millis = docs.getTimeout(TimeUnit.MILLISECONDS);
        return millis == 0 ? "no operation timeout (timeoutMS=0)" : Timeouts.describe(millis);
    }

    static byte[] bytes(Document d, String store) {
        Object value = d.get("value");
        if (value instanceof Binary b) {
            return b.getData();
        }
        throw new CorruptRecordException("document " + d.get("_id") + " in " + store + " has no binary 'value' field");
    }

    /** The version key in a version document's {@code v} field. */
    static String versionKey(Document d, String store) {
        Object v = d.get("v");
        if (v instanceof String key) {
            return key;
        }
        throw new CorruptRecordException("document " + d.get("_id") + " in " + store + " has no string 'v' field"
                + (d.containsKey("v") ? " (found " + found(v) + ")" : ""));
    }

    /**
     * Checks the {@code fence} field of a value document (null: none) that refused a fenced write.
     *
     * @throws CorruptRecordException naming the document if the field is there but not a number:
     *     Synod did not write it, and no token compares with it, so it would refuse every token
     */
    static void checkFence(Document d, String store) {
        if (d != null && d.containsKey("fence") && !(d.get("fence") instanceof Number)) {
            throw new CorruptRecordException("document " + d.get("_id") + " in " + store
                    + " has a 'fence' field that is not a number (found " + found(d.get("fence")) + ")");
        }
    }

    /** A field's value, with its type, for a message; long values are cut short. */
    private static String found(Object value) {
        if (value == null) {
            return "null";
        }
        String text = String.valueOf(value);
        return value.getClass().getSimpleName() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
