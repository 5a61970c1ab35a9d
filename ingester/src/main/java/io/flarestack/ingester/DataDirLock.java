package io.flarestack.ingester;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the data directory, so two ingesters never write the same log. The
 * operating system releases it when the process dies, even by {@code kill -9}. Not thread-safe.
 */
final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws IOException naming the directory when it cannot be created or another process holds it
   */
  static DataDirLock acquire(Path dataPath) throws IOException {
    Path file = dataPath.resolve(".lock");
    try {
      Files.createDirectories(dataPath);
    } catch (IOException e) {
      throw new IOException("cannot create the data directory " + dataPath.toAbsolutePath() + ": " + e, e);
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw new IOException("cannot lock " + file.toAbsolutePath() + ": " + e, e);
    }
    if (l == null) {
      ch.close();
      throw new IOException("the data directory " + dataPath.toAbsolutePath()
          + " is in use by another ingester process (" + file + " is locked)");
    }
    return new DataDirLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
