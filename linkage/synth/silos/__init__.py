"""The seven silo writers; each declares the manifest entry that reads its files back."""
