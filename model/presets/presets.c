/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Implementation presets: configurations resembling known SMMUv3 implementations.
 *  - "default":          this model's documented default (docs/configuration.md)
 *  - "qemu-virt":        QEMU 10's SMMUv3 on -machine virt (stage=nested); ID registers and
 *                        register behaviour as recorded in ../shared/oracle (IDR0 0x0d44101b,
 *                        IDR1 0x02730010, IDR3 0x1414, IDR5 0x74, AIDR 0x1, GBPA 0x1000)
 *  - "qemu-virt-s1only": QEMU's SMMUv3 on -machine virt-9.1 (stage 1 only, IDR3 0x1404)
 *  - "mmu-600":          resembling an Arm CoreLink MMU-600 (SMMUv3.1): cache sizes are
 *                        public figures rounded to this model's geometry, not a claim of
 *                        cycle accuracy
 *  - "mmu-700":          resembling an Arm CoreLink MMU-700 (SMMUv3.2)
 */
#include <string.h>

#include "smmuv3/smmuv3.h"

static void qemu_common(smmu_config_t *c)
{
    c->arch_minor = 1;
    c->s1p = true;
    c->s2p = true;
    c->hyp = false;
    c->ats = c->pri = c->msi = c->sev = false;
    c->httu = 0;
    c->btm = false;
    c->cohacc = true;
    c->asid16 = c->vmid16 = true;
    c->vmw = false;
    c->cd2l = false;
    c->st_2level = true;
    c->stall_model = 1;   /* terminate only */
    c->term_model = 1;
    c->ttendian = 2;      /* little-endian only */
    c->sidsize = 16;
    c->ssidsize = 0;
    c->cmdqs = c->eventqs = 19;
    c->priqs = 0;
    c->attr_types_ovr = c->attr_perms_ovr = false;
    c->had = true;
    c->xnx = true;
    c->ril = true;
    c->bbml = 2;
    c->stt = c->e0pd = c->pps = false;
    c->oas_bits = 44;
    c->gran4k = c->gran16k = c->gran64k = true;
    c->ds = false;
    c->vax = 0;
    c->stall_max = 0;
    c->iidr = 0;
    static const uint8_t pidr[8] = {0x84, 0xB4, 0xF0, 0x10, 0x04, 0, 0, 0};
    memcpy(c->pidr, pidr, sizeof pidr);
    c->gbpa_reset = 0x1000; /* SHCFG = 01 (use incoming) */
    c->page0_alias = true;  /* QEMU decodes offset & ~0x10000 */
    c->iotlb = (smmu_cache_geom_t){256, 256, SMMU_POLICY_LRU};
    c->utlb = (smmu_cache_geom_t){0, 0, SMMU_POLICY_LRU};
    c->pmcg_count = 0;
}

static void mmu600(smmu_config_t *c)
{
    c->arch_minor = 1;
    c->hyp = true;
    c->ats = c->pri = c->msi = true;
    c->httu = 2;
    c->stall_model = 0;
    c->oas_bits = 48;
    c->sidsize = 24;
    c->ssidsize = 20;
    c->ril = false;
    c->bbml = 0;
    c->iotlb = (smmu_cache_geom_t){2048, 4, SMMU_POLICY_PLRU};   /* TCU main TLB */
    c->utlb = (smmu_cache_geom_t){32, 32, SMMU_POLICY_PLRU};     /* TBU micro-TLB */
    c->ste_cache = (smmu_cache_geom_t){64, 4, SMMU_POLICY_PLRU};
    c->cd_cache = (smmu_cache_geom_t){64, 4, SMMU_POLICY_PLRU};
    c->walk_s1 = (smmu_cache_geom_t){256, 4, SMMU_POLICY_PLRU};
    c->walk_s2 = (smmu_cache_geom_t){256, 4, SMMU_POLICY_PLRU};
}

static void mmu700(smmu_config_t *c)
{
    mmu600(c);
    c->arch_minor = 2;
    c->ril = true;
    c->bbml = 2;
    c->oas_bits = 52;
    c->vax = 1;
    c->iotlb = (smmu_cache_geom_t){4096, 8, SMMU_POLICY_PLRU};
    c->utlb = (smmu_cache_geom_t){64, 64, SMMU_POLICY_PLRU};
}

static const char *const names[] = {"default", "qemu-virt", "qemu-virt-s1only", "mmu-600",
                                    "mmu-700", NULL};

const char *const *smmu_config_preset_names(void)
{
    return names;
}

smmu_status_t smmu_config_preset(const char *name, smmu_config_t *out)
{
    if (!name || !out)
        return SMMU_E_INVAL;
    smmu_config_t c = smmu_config_default();
    if (strcmp(name, "default") == 0) {
        /* as is */
    } else if (strcmp(name, "qemu-virt") == 0) {
        qemu_common(&c);
    } else if (strcmp(name, "qemu-virt-s1only") == 0) {
        qemu_common(&c);
        c.s2p = false;
        c.xnx = false;
    } else if (strcmp(name, "mmu-600") == 0) {
        mmu600(&c);
    } else if (strcmp(name, "mmu-700") == 0) {
        mmu700(&c);
    } else {
        return SMMU_E_NOTFOUND;
    }
    *out = c;
    return SMMU_OK;
}
