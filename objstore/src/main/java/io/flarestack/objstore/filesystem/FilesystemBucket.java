package io.flarestack.objstore.filesystem;

import static java.util.Objects.requireNonNull;

import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.ExactLengthInputStream;
import io.flarestack.objstore.ObjectAttributes;
import io.flarestack.objstore.ObjectKeys;
import io.flarestack.objstore.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A bucket in a local directory: key {@code a/b/c} is the file {@code <root>/a/b/c}. The default
 * backend, for single-process deployments and tests.
 *
 * <p>Writes go to a temporary file in the target's directory, are fsynced, then renamed over the
 * target, so readers see the old or the new object, never a partial one, and a crash leaves at
 * worst a temporary file that listings ignore. Deleting the last object of a directory removes
 * the directory, as an object store's "directory" disappears with its last key. Keys follow
 * {@link ObjectKeys}; a key that would resolve outside the root is rejected with
 * {@link IllegalArgumentException}. Unlike an object store, a key cannot also be the directory
 * of other keys ({@code a} and {@code a/b}): such an upload fails with an {@link IOException}. Thread-safe (concurrent writers of one key: the last rename wins).
 */
public final class FilesystemBucket implements Bucket {
  /** Suffix of in-progress uploads; such files are never listed. */
  static final String TEMP_SUFFIX = ".flarestack-upload";

  private final Path root;

  /**
   * Opens (and creates if needed) a bucket rooted at {@code root}.
   *
   * @throws IOException when the directory cannot be created or is not a directory
   */
  public FilesystemBucket(Path root) throws IOException {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  /** The absolute root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return "filesystem";
  }

  @Override
  public InputStream get(String key) throws IOException {
    Path file = resolve(key);
    try {
      if (Files.isDirectory(file)) {
        throw new ObjectNotFoundException(name(), key);
      }
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(name(), key);
    }
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    ObjectKeys.checkRange(key, offset, length);
    Path file = resolve(key);
    FileChannel channel;
    try {
      if (Files.isDirectory(file)) {
        throw new ObjectNotFoundException(name(), key);
      }
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(name(), key);
    }
    try {
      long size = channel.size();
      long start = Math.min(offset, size);
      long end = length > size - start ? size : start + length;
      channel.position(start);
      return new BoundedInputStream(Channels.newInputStream(channel), end - start);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    Path file = resolve(key);
    InputStream in = new ExactLengthInputStream(key, data, length);
    if (Files.isDirectory(file)) {
      throw new IOException(name() + ": cannot store \"" + key + "\": other keys use it as their directory");
    }
    Path temp;
    try {
      temp = createTemp(file);
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      throw new IOException(name() + ": cannot store \"" + key + "\": a key on its path is an object, not a directory");
    }
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
           OutputStream out = Channels.newOutputStream(channel)) {
        in.transferTo(out);
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      pruneEmptyParents(file);
      throw e;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path file = resolve(key);
    if (Files.isRegularFile(file) && Files.deleteIfExists(file)) {
      pruneEmptyParents(file);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    Path file = resolve(key);
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw new ObjectNotFoundException(name(), key);
      }
      return new ObjectAttributes(a.size(), a.lastModifiedTime().toInstant());
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(name(), key);
    }
  }

  @Override
  public List<String> list(String prefix, boolean recursive) throws IOException {
    ObjectKeys.checkPrefix(prefix);
    int slash = prefix.lastIndexOf('/');
    String dirKey = prefix.substring(0, slash + 1);
    String namePrefix = prefix.substring(slash + 1);
    Path dir = dirKey.isEmpty() ? root : resolve(dirKey.substring(0, dirKey.length() - 1));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        String name = child.getFileName().toString();
        if (!name.startsWith(namePrefix) || name.endsWith(TEMP_SUFFIX)) {
          continue;
        }
        if (Files.isDirectory(child)) {
          if (recursive) {
            addFilesBelow(child, keys);
          } else {
            keys.add(dirKey + name + "/");
          }
        } else if (Files.isRegularFile(child)) {
          keys.add(dirKey + name);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(); // removed by a concurrent delete of its last object
    }
    return ObjectKeys.sorted(keys);
  }

  @Override
  public void close() {}

  private void addFilesBelow(Path dir, List<String> keys) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(p -> !p.getFileName().toString().endsWith(TEMP_SUFFIX) && Files.isRegularFile(p))
          .forEach(p -> keys.add(toKey(p)));
    } catch (NoSuchFileException e) {
      // emptied and removed by a concurrent delete: it holds no objects
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
    }
  }

  private String toKey(Path file) {
    StringBuilder key = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(part);
    }
    return key.toString();
  }

  private Path createTemp(Path file) throws IOException {
    Path dir = file.getParent();
    // A concurrent delete may prune the directory between creating it and the temp file.
    for (int attempt = 0; ; attempt++) {
      Files.createDirectories(dir);
      try {
        return Files.createTempFile(dir, "." + file.getFileName() + ".", TEMP_SUFFIX);
      } catch (NoSuchFileException e) {
        if (attempt == 2) {
          throw e;
        }
      }
    }
  }

  /** Removes the now empty directories between {@code file} and the root. */
  private void pruneEmptyParents(Path file) throws IOException {
    for (Path dir = file.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root); dir = dir.getParent()) {
      try {
        Files.deleteIfExists(dir);
      } catch (DirectoryNotEmptyException e) {
        return;
      }
    }
  }

  private Path resolve(String key) {
    ObjectKeys.checkKey(key);
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw new IllegalArgumentException("object key \"" + key + "\" resolves outside the bucket root");
    }
    return file;
  }
}
