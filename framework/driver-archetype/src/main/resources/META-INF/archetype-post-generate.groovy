// Runs once the project is generated: the archetype jar keeps no file modes, so the Maven Wrapper script would
// not be executable (./mvnw: "Permission denied").
def mvnw = new File(new File(request.outputDirectory, request.artifactId), 'mvnw')
if (mvnw.isFile() && !mvnw.setExecutable(true, false)) {
    throw new IllegalStateException("cannot make " + mvnw + " executable")
}
