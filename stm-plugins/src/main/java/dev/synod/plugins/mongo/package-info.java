/**
 * MongoDB back-ends through the official sync driver (Avout's mongo-ref and mongo-atom stores):
 * {@link dev.synod.plugins.mongo.MongoVersionedStateContainer} and {@link
 * dev.synod.plugins.mongo.MongoStateContainer}. Add {@code org.mongodb:mongodb-driver-sync}
 * yourself.
 */
package dev.synod.plugins.mongo;
