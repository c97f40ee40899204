/*
 * Detection-fidelity rules: the externals fanguard defines per scan, as LOKI does (the yara
 * CLI gets them with -d): filename is the name after the last '/', filepath the folder
 * before it, extension os.path.splitext(filename)[1].lower() (".scr", "" for ".bashrc").
 */

rule Fidelity_Ext_Filename
{
	condition:
		filename == "invoice.pdf.exe"
}

rule Fidelity_Ext_Extension
{
	strings:
		$a = "FID-EXT\x2dSCR"
	condition:
		extension == ".scr" and $a
}

rule Fidelity_Ext_Filepath
{
	condition:
		filepath matches /\/dropzone$/
}
