package dev.synod.it.workload;

import dev.synod.it.history.History;
import dev.synod.zookeeper.ZooKeeperStm;

/**
 * What a workload of a client process works with.
 *
 * @param stm the process's Stm (one Curator client, one session at a time)
 * @param args the command line
 * @param history the process's history
 * @param process the process number recorded in the history
 */
record ClientContext(ZooKeeperStm stm, ClientArgs args, History history, int process) {}
