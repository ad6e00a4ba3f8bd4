package dev.synod.plugins.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.StoreCalls;
import dev.synod.plugins.internal.Values;
import dev.synod.stm.Codec;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.spi.StateContainer;
import java.util.Objects;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

/**
 * A {@link StateContainer} (the latest value only; Avout's {@code mongo-atom} store) in MongoDB:
 * one document per container, {@code { _id: "<name>", value: BinData(...) }}, in a shared
 * collection (default {@value MongoDocs#VALUES}). Values are limited to a little under 16 MB.
 *
 * <p>Thread-safe; may be used from several JVMs at once (last write wins). Every method blocks on
 * one MongoDB operation (a fenced write on up to four), for at most the database handle's operation
 * timeout ({@code timeoutMS}) each, or 10 s if it has none. Driver failures (the server
 * unreachable, a timeout, a closed client) are thrown as {@link dev.synod.stm.StateStoreException}
 * whose message contains {@link #describe()} (and "timed out" with the timeout when it expired); a
 * null value throws {@link NullPointerException}. Data Synod did not write is a {@link
 * dev.synod.stm.CorruptRecordException} whose message contains {@link #describe()} (and the
 * document's {@code _id} when a field is wrong): a document without a binary {@code value} field or
 * bytes the codec cannot decode ({@link #get()}), a {@code fence} field that is not a number
 * ({@link #set(Object, long)}, which then stores nothing). {@link #set(Object)} and {@link
 * #destroy()} replace or delete the document whatever it holds. Two containers are {@linkplain
 * #equals equal} when they name the same database, collection and container.
 *
 * <p>The container {@linkplain #fencing() fences} (the token in the document's {@code fence} field): {@link #set(Object, long)}
 * refuses a token lower than the one stored (see {@link StateContainer}).
 *
 * @param <T> the value type
 */
public final class MongoStateContainer<T> implements StateContainer<T> {
    private final MongoCollection<Document> docs;
    private final String name;
    private final Codec<T> codec;
    private final String where;
    private final String limit;
    private final String database;
    private final String collection;

    private MongoStateContainer(MongoDatabase db, String collection, String name, Codec<T> codec) {
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
     * @throws IllegalArgumentException if {@code name} or {@code collection} is invalid
     */
    public static <T> MongoStateContainer<T> create(MongoDatabase db, String collection, String name, Codec<T> codec) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(codec, "codec");
        return new MongoStateContainer<>(db, MongoDocs.collection(collection), Names.containerName(name), codec);
    }

    /** As {@link #create} in collection {@value MongoDocs#VALUES} with {@code Codec.json(type)}. */
    public static <T> MongoStateContainer<T> create(MongoDatabase db, String name, Class<T> type) {
        return create(db, MongoDocs.VALUES, name, Codec.json(type));
    }

    /** Nothing to create (documents are keyed by {@code _id}): does nothing. */
    @Override
    public void init() {}

    /** Deletes the document. Idempotent. */
    @Override
    public void destroy() {
        StoreCalls.call("destroying", where, limit, () -> docs.deleteOne(Filters.eq("_id", name)));
    }

    /** @throws NoSuchRefException if no value was set (or it was destroyed) */
    @Override
    public T get() {
        Document d = StoreCalls.call("reading", where, limit, () -> docs.find(Filters.eq("_id", name))
                .first());
        if (d == null) {
            throw new NoSuchRefException("no value in " + where);
        }
        return Values.decode(codec, MongoDocs.bytes(d, where), where, "the value");
    }

    /** Replaces the document: the value, without a fencing token. */
    @Override
    public void set(T value) {
        byte[] bytes = Values.encode(codec, value, where);
        Document d = new Document("_id", name).append("value", new Binary(bytes));
        StoreCalls.call(
                "writing",
                where,
                limit,
                () -> docs.replaceOne(Filters.eq("_id", name), d, new ReplaceOptions().upsert(true)));
    }

    /**
     * Stores the value unless the document's {@code fence} field holds a higher token: a
     * replacement conditional on the token, else an insert; an insert that meets a document
     * another writer created meanwhile gives way to the conditional replacement again. A refused
     * write reads the document once more, to tell a higher token from one Synod did not write.
     *
     * @throws dev.synod.stm.CorruptRecordException naming the document, with nothing stored, if its
     *     {@code fence} field is not a number
     */
    @Override
    public boolean set(T value, long token) {
        byte[] bytes = Values.encode(codec, value, where);
        Document d =
                new Document("_id", name).append("value", new Binary(bytes)).append("fence", token);
        Bson unfencedOrOlder = Filters.and(
                Filters.eq("_id", name), Filters.or(Filters.exists("fence", false), Filters.lte("fence", token)));
        return StoreCalls.call("writing", where, limit, () -> {
            for (int attempt = 1; ; attempt++) {
                if (docs.replaceOne(unfencedOrOlder, d).getMatchedCount() > 0) {
                    return true;
                }
                if (attempt > 1) {
                    // the document stood before this replacement, which found a higher token or one not ours
                    MongoDocs.checkFence(docs.find(Filters.eq("_id", name)).first(), where);
                    return false;
                }
                try {
                    docs.insertOne(d);
                    return true;
                } catch (MongoWriteException e) {
                    if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                    // created by another writer since our replacement: the replacement decides against it
                }
            }
        });
    }

    @Override
    public boolean fencing() {
        return true;
    }

    /** {@code mongo[<database>.<collection>]/<name>}. */
    public String describe() {
        return where;
    }

    @Override
    public String toString() {
        return where;
    }

    /**
     * Whether {@code o} is a {@code MongoStateContainer} with the same container name, collection name
     * and database name. Codec and timeout do not count; nor does the client, which a {@code
     * MongoDatabase} does not reveal: containers on two servers with the same names are equal too.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof MongoStateContainer<?> other
                && name.equals(other.name)
                && collection.equals(other.collection)
                && database.equals(other.database);
    }

    @Override
    public int hashCode() {
        return (database.hashCode() * 31 + collection.hashCode()) * 31 + name.hashCode();
    }
}
