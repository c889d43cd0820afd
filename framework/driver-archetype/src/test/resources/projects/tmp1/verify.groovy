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
println("archetype IT tmp1: bundle headers, " + count('tests') + " generated tests and " + bom.size() + " kdrv-bom versions checked")
return true
