/* Detection-fidelity rules: the pe, elf, math and hash modules. */
import "pe"
import "elf"
import "math"
import "hash"

rule Fidelity_Pe_Section
{
	condition:
		pe.is_pe and pe.number_of_sections == 1 and pe.sections[0].name == ".fidsec"
}

rule Fidelity_Elf_Exec
{
	strings:
		$m = "FID-ELF\x2dYARA"
	condition:
		elf.type == elf.ET_EXEC and elf.machine == elf.EM_X86_64 and $m
}

rule Fidelity_Math_Entropy
{
	condition:
		filesize == 65536 and math.entropy(0, filesize) > 7.9
}

/* printf 'fidelity yara hash module target v1\n' | sha256sum */
rule Fidelity_Hash_Sha256
{
	condition:
		hash.sha256(0, filesize) == "6688ebf23f6efd5b32dc5fe89b845a481960b8c7d7ed10d03df40155e501072f"
}
