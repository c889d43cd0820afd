// Runs after the generated project's 'verify' (projectDir = the generated project). Checks what its tests cannot:
// the bundle's OSGi headers, and that kdrv-bom's versions are kdrv-parent's (the BOM has no parent, so its
// versions are written twice).
import javax.xml.parsers.DocumentBuilderFactory
import java.util.jar.JarFile

// The archetype plugin hands the generated project's directory over in the 'context' map.
def projectDir = binding.hasVariable('projectDir') ? binding.getVariable('projectDir')
        : binding.hasVariable('context') ? context.projectDir : null
if (projectDir == null) throw new AssertionError("archetype IT tmp1: no projectDir among " + binding.variables.keySet())
projectDir = projectDir as File
println("archetype IT tmp1: verifying " + projectDir)

def fail = { String msg -> throw new AssertionError("archetype IT tmp1: " + msg) }
// the JDK's DOM: the script interpreter has Groovy core only, not groovy-xml
def parse = { File f -> DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f).documentElement }
def children = { node, String name -> (0..<node.childNodes.length).collect { node.childNodes.item(it) }.findAll { it.nodeName == name } }
def child = { node, String name -> children(node, name)[0] }
def text = { node, String name -> child(node, name)?.textContent?.trim() ?: '' }

// --- the bundle -------------------------------------------------------------------------------------------------
def jar = new File(projectDir, 'target/tmp1-driver-1.0.0-SNAPSHOT.jar')
if (!jar.isFile()) fail("no bundle at " + jar)
def mf = new JarFile(jar).withCloseable { it.manifest.mainAttributes }
def header = { String name -> mf.getValue(name) ?: fail("bundle " + jar.name + " has no " + name + " header") }
if (header('Bundle-SymbolicName') != 'tmp1-driver') fail("Bundle-SymbolicName is " + header('Bundle-SymbolicName'))
def exports = header('Export-Package')
['com.example.kdrv.tmp1;version="0.1.0"', 'com.example.kdrv.tmp1.sim;version="0.1.0"'].each {
    if (!exports.contains(it)) fail("Export-Package lacks " + it + ": " + exports)
}
if (exports.contains('.internal')) fail("the internal package is exported: " + exports)
if (!header('Import-Package').contains('io.kdrv.board.mock;version="[0.1,1)";resolution:=optional'))
    fail("io.kdrv.board.mock is not imported optionally: " + header('Import-Package'))
if (!header('Service-Component').contains('TemperatureDriver')) fail("no DS component: " + header('Service-Component'))

// --- the generated tests ran ------------------------------------------------------------------------------------
def report = new File(projectDir, 'target/surefire-reports/TEST-com.example.kdrv.tmp1.TemperatureDriverTest.xml')
if (!report.isFile()) fail("no test report " + report)
def suite = parse(report)
def count = { String attr -> suite.getAttribute(attr).toInteger() }
if (count('tests') < 3 || count('failures') + count('errors') + count('skipped') != 0)
    fail("generated tests: " + count('tests') + " run, " + count('failures') + " failed, " + count('errors')
            + " errors, " + count('skipped') + " skipped")

// --- the Maven Wrapper: the project builds with ./mvnw and nothing but a JDK -----------------------------------
def mvnw = new File(projectDir, 'mvnw')
if (!mvnw.isFile()) fail("no mvnw in the generated project")
if (!mvnw.canExecute()) fail("mvnw is not executable (archetype-post-generate.groovy)")
['mvnw.cmd', '.mvn/wrapper/maven-wrapper.properties'].each {
    if (!new File(projectDir, it).isFile()) fail("no " + it + " in the generated project")
}
def wrapper = new Properties()
new File(projectDir, '.mvn/wrapper/maven-wrapper.properties').withInputStream { s -> wrapper.load(s) }
if (!(wrapper.distributionUrl ?: '').contains('/apache-maven-3.9.16-bin.zip'))
    fail("the wrapper does not pin Maven 3.9.16: " + wrapper.distributionUrl)
// Start it: the same distribution URL as kdrv's own wrapper, so the build running this test has it in
// MAVEN_USER_HOME already and nothing is downloaded.
def proc = new ProcessBuilder(mvnw.absolutePath, '-v').directory(projectDir).redirectErrorStream(true).start()
// `mvnw -v` prints a few lines, far below a pipe's buffer: reading after the exit cannot block the script
if (!proc.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
    proc.destroyForcibly()
    fail("./mvnw -v did not finish within 120 s")
}
def out = proc.inputStream.text
if (proc.exitValue() != 0 || !out.toString().contains('Apache Maven 3.9.16'))
    fail("./mvnw -v exited " + proc.exitValue() + ": " + out)

// --- kdrv-bom against kdrv-parent ------------------------------------------------------------------------------
// it.properties sits beside this script, in the IT directory that holds the generated project
def itDir = projectDir.parentFile.name == 'project' ? projectDir.parentFile.parentFile : projectDir.parentFile
def itProps = new Properties()
new File(itDir, 'it.properties').withInputStream { s -> itProps.load(s) }
def pomOf = { String artifactId ->
    def v = itProps.kdrvVersion
    new File(itProps.itRepo, "io/kdrv/" + artifactId + "/" + v + "/" + artifactId + "-" + v + ".pom")
}
def managed = { File pom ->
    def xml = parse(pom)
    def props = ['project.version': text(xml, 'version')]
    def propsNode = child(xml, 'properties')
    if (propsNode != null) {
        (0..<propsNode.childNodes.length).collect { propsNode.childNodes.item(it) }
                .findAll { it.nodeType == org.w3c.dom.Node.ELEMENT_NODE }
                .each { props[it.nodeName] = it.textContent.trim() }
    }
    def versions = [:]
    children(child(child(xml, 'dependencyManagement'), 'dependencies'), 'dependency').each { d ->
        versions[text(d, 'groupId') + ':' + text(d, 'artifactId')] =
                text(d, 'version').replaceAll(/\$\{([^}]+)\}/) { all, key -> props[key] ?: all }
    }
    versions
}
def bom = managed(pomOf('kdrv-bom'))
def parent = managed(pomOf('kdrv-parent'))
def drift = bom.findAll { ga, v -> parent[ga] != v }.collect { ga, v -> ga + ": kdrv-bom " + v + ", kdrv-parent " + parent[ga] }
if (drift) fail("kdrv-bom's versions differ from kdrv-parent's (update framework/bom/pom.xml): " + drift.join('; '))
println("archetype IT tmp1: bundle headers, " + count('tests') + " generated tests, the Maven Wrapper and " + bom.size()
        + " kdrv-bom versions checked")
return true
