package dev.synod.plugins.mongo;

import dev.synod.stm.CorruptRecordException;
import java.util.Objects;
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

    static byte[] bytes(Document d, String store) {
        Object value = d.get("value");
        if (value instanceof Binary b) {
            return b.getData();
        }
        throw new CorruptRecordException("document " + d.get("_id") + " in " + store + " has no binary 'value' field");
    }
}
