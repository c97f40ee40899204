/*
 * Each rule reads one built-in external variable, as the signature-base rules
 * written for LOKI and THOR do; tests/cli/test_scan_yara_externals.sh checks that
 * they match the files `yara -d NAME=VALUE` matches given the same values.
 */

rule Name_Is_Evil { condition: filename == "evil.txt" }
rule Name_Is_Hidden { condition: filename startswith "." }
rule Name_Has_Space { condition: filename contains " " }
rule Folder_Is_A { condition: filepath endswith "/a" }
rule Folder_Under_B { condition: filepath contains "/b" }
rule Folder_Is_Sub { condition: filepath matches /\/b\/sub$/ }
rule Ext_Txt { condition: extension == ".txt" }
rule Ext_Pdf { condition: extension == ".pdf" }
rule Ext_Gz { condition: extension == ".gz" }
rule Ext_Dot_Only { condition: extension == "." }
rule Ext_None { condition: extension == "" }
rule Type_Exe { condition: filetype == "EXE" }
rule Type_Elf { condition: filetype == "ELF" }
rule Type_Pdf { condition: filetype == "PDF" }
rule Type_Gzip { condition: filetype == "GZIP" }
rule Type_Unix_Script { condition: filetype == "UNIX SCRIPT" }
rule Type_Php { condition: filetype == "PHP" }
rule Type_Zip { condition: filetype == "ZIP" }
rule Type_Office { condition: filetype == "Office" }
rule Type_Unknown { condition: filetype == "" }
rule Owner_Root { condition: owner == "root" }
rule Owner_Nobody { condition: owner == "nobody" }

/* in the manner of signature-base's anomaly rules: an executable that hides its type */
rule Exe_Not_Named_Exe
{
	condition:
		uint16(0) == 0x5a4d and filetype == "EXE" and not extension == ".exe" and
		not filepath contains "/sub"
}
