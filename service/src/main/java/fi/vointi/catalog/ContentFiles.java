package fi.vointi.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Reads every *.json file below a classpath folder (exploded or inside the jar) or a file-system folder. */
public final class ContentFiles {
    private ContentFiles() {
    }

    public static List<ContentFile> fromClasspath(String folder, ClassLoader loader) {
        URL url = loader.getResource(folder);
        if (url == null) {
            return List.of();
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return fromDirectory(Paths.get(url.toURI()), "classpath:" + folder + "/");
            }
            if ("jar".equals(url.getProtocol())) {
                return fromJar(url, folder, loader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read classpath folder " + folder, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot read classpath folder " + folder, e);
        }
        throw new IllegalStateException("Unsupported classpath location for " + folder + ": " + url);
    }

    public static List<ContentFile> fromDirectory(Path dir) {
        return fromDirectory(dir, "");
    }

    private static List<ContentFile> fromDirectory(Path dir, String sourcePrefix) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Questionnaire folder " + dir.toAbsolutePath() + " does not exist or is not a folder");
        }
        List<ContentFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.filter(Files::isRegularFile).filter(ContentFiles::isJson).sorted().toList()) {
                String source = sourcePrefix.isEmpty() ? path.toAbsolutePath().toString()
                        : sourcePrefix + dir.relativize(path).toString().replace('\\', '/');
                files.add(new ContentFile(source, Files.readString(path, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read folder " + dir, e);
        }
        return files;
    }

    private static List<ContentFile> fromJar(URL folderUrl, String folder, ClassLoader loader) throws IOException {
        JarURLConnection connection = (JarURLConnection) folderUrl.openConnection();
        connection.setUseCaches(false);
        List<String> names = new ArrayList<>();
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            for (JarEntry entry : Collections.list(entries)) {
                if (!entry.isDirectory() && entry.getName().startsWith(folder + "/") && entry.getName().endsWith(".json")) {
                    names.add(entry.getName());
                }
            }
        }
        Collections.sort(names);
        List<ContentFile> files = new ArrayList<>();
        for (String name : names) {
            try (InputStream in = loader.getResourceAsStream(name)) {
                if (in != null) {
                    files.add(new ContentFile("classpath:" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        return files;
    }

    private static boolean isJson(Path path) {
        return path.getFileName().toString().toLowerCase().endsWith(".json");
    }
}
