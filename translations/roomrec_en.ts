<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>roomrec::LibraryPanel</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>roomrec::MainWindow</name>
    <message numerus="yes">
        <source>Recorded %n file(s): %1</source>
        <translation>
            <numerusform>Recorded %n file: %1</numerusform>
            <numerusform>Recorded %n files: %1</numerusform>
        </translation>
    </message>
</context>
</TS>
