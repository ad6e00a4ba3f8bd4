package dev.synod.plugins.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.StoreCalls;
import dev.synod.plugins.internal.Values;
import dev.synod.stm.Codec;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * A {@link VersionedStateContainer} in MongoDB (Avout's {@code mongo-ref}), through the official
 * sync driver. Many containers share one collection (default {@value MongoDocs#VERSIONS}); each
 * version is one document:
 *
 * <pre>{@code
 * { _id: "<name>@<version key>", ref: "<name>", v: "<version key>", value: BinData(...) }
 * }</pre>
 *
 * with an index on {@code ref} (created by {@link #init()}). A document is at most 16 MB, so a value
 * is limited to a little under 16 MB once encoded.
 *
 * <p>Thread-safe; may be used from several JVMs at once. Every method blocks on one MongoDB
 * operation, for at most the driver's operation timeout ({@code timeoutMS}) of the database handle
 * given, or 10 s if it has none: set another with the client's {@code timeoutMS} or {@code
 * db.withTimeout(...)} (an explicit 0 means no limit). Driver failures (the server unreachable, a
 * timeout, a closed client) are thrown as {@link dev.synod.stm.StateStoreException} whose message
 * contains {@link #describe()} (and "timed out" with the timeout when it expired); null arguments
 * throw {@link NullPointerException}. Data Synod did not write is a {@link
 * dev.synod.stm.CorruptRecordException} whose message contains {@link #describe()} (and the
 * document's {@code _id} when a field is wrong, the version key when its bytes are): a version
 * document without a binary {@code value} field or with bytes the codec cannot decode ({@link
 * #getAt}), one of this container's documents without a string {@code v} field ({@link
 * #versions()}). {@link #setAt} and {@link #destroy()} replace or delete such documents. Two
 * containers are {@linkplain #equals equal} when they name the same database, collection and
 * container, so a {@code Stm} refuses to open two refs over them.
 *
 * @param <T> the value type
 */
public final class MongoVersionedStateContainer<T> implements VersionedStateContainer<T> {
    private final MongoCollection<Document> docs;
    private final String name;
    private final Codec<T> codec;
    private final String where;
    private final String limit;
    private final String database;
    private final String collection;

    private MongoVersionedStateContainer(MongoDatabase db, String collection, String name, Codec<T> codec) {
        this.docs = MongoDocs.bounded(db, collection);
        this.name = name;
        this.codec = codec;
        this.where = "mongo[" + db.getName() + "." + collection + "]/" + name;
        this.limit = MongoDocs.limit(docs);
        this.database = db.getName();
        this.collection = collection;
    }

    /**
     * A container named {@code name} (the rules of ref names) in {@code collection} of {@code db}.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code name} is invalid or {@code collection} is empty
     */
    public static <T> MongoVersionedStateContainer<T> create(
            MongoDatabase db, String collection, String name, Codec<T> codec) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(codec, "codec");
        return new MongoVersionedStateContainer<>(
                db, MongoDocs.collection(collection), Names.containerName(name), codec);
    }

    /** As {@link #create} in collection {@value MongoDocs#VERSIONS} with {@code Codec.json(type)}. */
    public static <T> MongoVersionedStateContainer<T> create(MongoDatabase db, String name, Class<T> type) {
        return create(db, MongoDocs.VERSIONS, name, Codec.json(type));
    }

    /** Creates the index on {@code ref}. Idempotent. */
    @Override
    public void init() {
        StoreCalls.call("creating the index", describe(), limit, () -> docs.createIndex(Indexes.ascending("ref")));
    }

    /** Deletes this container's documents (the collection stays: others share it). Idempotent. */
    @Override
    public void destroy() {
        StoreCalls.call("destroying", describe(), limit, () -> docs.deleteMany(Filters.eq("ref", name)));
    }

    @Override
    public Optional<T> getAt(String version) {
        String id = id(version);
        Document d = StoreCalls.call(
                "reading version '" + version + "'", describe(), limit, () -> docs.find(Filters.eq("_id", id))
                        .first());
        if (d == null) {
            return Optional.empty();
        }
        byte[] bytes = MongoDocs.bytes(d, describe());
        return Optional.of(Values.decode(codec, bytes, describe(), "version '" + version + "'"));
    }

    /** Stores {@code value} under {@code version}, replacing any value already there. */
    @Override
    public void setAt(T value, String version) {
        Objects.requireNonNull(value, "value");
        String id = id(version);
        byte[] bytes = Values.encode(codec, value, describe());
        Document d =
                new Document("_id", id).append("ref", name).append("v", version).append("value", new Binary(bytes));
        StoreCalls.call(
                "writing version '" + version + "'",
                describe(),
                limit,
                () -> docs.replaceOne(Filters.eq("_id", id), d, new ReplaceOptions().upsert(true)));
    }

    @Override
    public void deleteAt(String version) {
        String id = id(version);
        StoreCalls.call(
                "deleting version '" + version + "'", describe(), limit, () -> docs.deleteOne(Filters.eq("_id", id)));
    }

    @Override
    public Collection<String> versions() {
        return StoreCalls.call("listing versions", describe(), limit, () -> {
            List<String> keys = new ArrayList<>();
            for (Document d : docs.find(Filters.eq("ref", name)).projection(Projections.include("v"))) {
                keys.add(MongoDocs.versionKey(d, describe()));
            }
            return List.copyOf(keys);
        });
    }

    private String id(String version) {
        return name + "@" + Names.versionKey(version);
    }

    /** {@code mongo[<database>.<collection>]/<name>}. */
    @Override
    public String describe() {
        return where;
    }

    @Override
    public String toString() {
        return where;
    }

    /**
     * Whether {@code o} is a {@code MongoVersionedStateContainer} with the same container name,
     * collection name and database name. Codec and timeout do not count; nor does the client,
     * which a {@code MongoDatabase} does not reveal: containers on two servers with the same names
     * are equal too.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof MongoVersionedStateContainer<?> other
                && name.equals(other.name)
                && collection.equals(other.collection)
                && database.equals(other.database);
    }

    @Override
    public int hashCode() {
        return (database.hashCode() * 31 + collection.hashCode()) * 31 + name.hashCode();
    }
}
