/**
 * Synod's API: {@link dev.synod.stm.Stm}, {@link dev.synod.stm.Ref}, {@link dev.synod.stm.Atom},
 * {@link dev.synod.stm.LocalRef}, transactions and their options, codecs, and the exceptions under
 * {@link dev.synod.stm.StmException}.
 */
package dev.synod.stm;
