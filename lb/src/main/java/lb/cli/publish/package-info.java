/**
 * The parts of {@code lb publish} that need no command line: nats-style value templates
 * ({@link lb.cli.publish.ValueTemplate}), rpk-style parse templates for stdin
 * ({@link lb.cli.publish.InputTemplate}), the cutting of stdin into records
 * ({@link lb.cli.publish.StdinInput}), the in-order window of publishes awaiting acks
 * ({@link lb.cli.publish.AckWindow}) and the pacing of {@code --rate}
 * ({@link lb.cli.publish.Rate}). All of it runs on the publishing command's thread; only the
 * futures in an AckWindow are completed elsewhere (by the client's transport).
 */
package lb.cli.publish;
